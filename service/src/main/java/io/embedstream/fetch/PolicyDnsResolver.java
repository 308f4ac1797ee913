package io.embedstream.fetch;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.apache.hc.client5.http.DnsResolver;

/**
 * HttpClient's only way to turn a host name into addresses: every lookup goes through
 * {@link UrlPolicy#vetHost(String)}. The connection manager connects to the addresses returned here and to
 * nothing else, so the SSRF check and the connection see the same DNS answer (DNS rebinding cannot slip a
 * different address in between), and a refused host fails with a {@link RefusedHostException} before any socket
 * is opened. Thread-safe if the policy's {@link HostResolver} is.
 */
final class PolicyDnsResolver implements DnsResolver {
    private final UrlPolicy policy;

    PolicyDnsResolver(UrlPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public InetAddress[] resolve(String host) throws RefusedHostException {
        List<InetAddress> vetted = policy.vetHost(host);
        return vetted.toArray(InetAddress[]::new);
    }

    /** Only used by Kerberos/SPNEGO authentication, which the fetcher does not enable: no lookup. */
    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }
}
