package io.embedstream.preprocess.image;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses. The fetcher resolves each host once per request hop, checks every
 * address, and then connects only to those addresses (it never lets the network stack resolve the name
 * again), so what is checked is what is contacted. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface HostResolver {

    /**
     * @param host a host name or IP literal (IPv6 without brackets)
     * @return at least one address
     * @throws UnknownHostException if the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The JVM's resolver ({@link InetAddress#getAllByName}, with the JVM's DNS cache). */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
