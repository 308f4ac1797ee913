package io.embedstream.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses. It is the only resolver the fetcher uses: {@link UrlPolicy} calls it once for
 * every new HTTP connection (HttpClient's DNS resolver is the policy itself, see {@link PolicyDnsResolver}),
 * checks every address, and the connection then goes to one of exactly those addresses. The name is never
 * resolved again by the network stack, so what is checked is what is contacted. Implementations must be
 * thread-safe.
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
