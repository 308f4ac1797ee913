package io.embedstream.fetch;

import io.embedstream.config.ImageConfig;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.ImageFailure;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The SSRF guard: decides whether an {@code http(s)} URI may be requested, after resolving its host.
 *
 * <ol>
 *   <li>A host in {@code image.deny-hosts} is refused.</li>
 *   <li>The host is resolved once. A host in {@code image.allow-hosts} is allowed whatever it resolves to.</li>
 *   <li>Otherwise it is refused if <em>any</em> of its addresses is loopback, link-local, unspecified,
 *       multicast, reserved, or private (private is allowed with {@code image.allow-private}); IPv4 addresses
 *       embedded in IPv6 forms count as what they embed (see {@link AddressRules}).</li>
 * </ol>
 *
 * <p>The fetcher does not call {@link #check(URI)}: its HTTP client (Apache HttpClient) resolves host names
 * only through {@link #vetHost(String)}, plugged in as the client's {@code DnsResolver}. So the addresses that
 * pass the check are exactly the addresses that are connected to, and a DNS answer that changes between check and
 * connect (DNS rebinding) has no effect. Every new connection, including one for a redirect hop, is checked.
 *
 * <p>Thread-safe and immutable (the resolver must be thread-safe too).
 */
public final class UrlPolicy {

    /** The outcome of {@link #check(URI)}. */
    public sealed interface Decision permits Allowed, Refused {}

    /**
     * The URI may be requested, at one of these addresses.
     *
     * @param host      the normalised host name (lower case, no brackets or trailing dot)
     * @param addresses vetted addresses, in the resolver's order
     */
    public record Allowed(String host, List<InetAddress> addresses) implements Decision {}

    /** The URI must not be requested; {@code failure} says why (BLOCKED_BY_POLICY, NOT_FOUND or INVALID_URI). */
    public record Refused(ImageFailure failure) implements Decision {}

    /**
     * What a refusal for a blocked address tells the user to do, in the terms of the front end they use: the
     * service's configuration keys, or a command's flags.
     */
    @FunctionalInterface
    public interface Remedy {
        /** The service's configuration keys ({@code image.allow-hosts}, {@code image.allow-private}). */
        Remedy CONFIG_KEYS = (host, privateAddress) -> privateAddress
                ? "add the host to image.allow-hosts, or set image.allow-private=true"
                : "add the host to image.allow-hosts to fetch it anyway";

        /**
         * @param host           the refused host, in canonical form
         * @param privateAddress whether the address is private (allowing private addresses would also do)
         */
        String advice(String host, boolean privateAddress);
    }

    private final List<String> allowHosts;
    private final List<String> denyHosts;
    private final boolean allowPrivate;
    private final HostResolver resolver;
    private final Remedy remedy;

    public UrlPolicy(ImageConfig config, HostResolver resolver) {
        this(config, resolver, Remedy.CONFIG_KEYS);
    }

    /** @param remedy what a refusal for a blocked address tells the user to do */
    public UrlPolicy(ImageConfig config, HostResolver resolver, Remedy remedy) {
        this(config.allowHosts(), config.denyHosts(), config.allowPrivate(), resolver, remedy);
    }

    /**
     * @param allowHosts   exact hosts or {@code *.suffix}, exempt from the address check
     * @param denyHosts    exact hosts or {@code *.suffix}, always refused
     * @param allowPrivate whether private (RFC 1918, CGNAT, ULA) addresses are acceptable
     */
    public UrlPolicy(List<String> allowHosts, List<String> denyHosts, boolean allowPrivate, HostResolver resolver) {
        this(allowHosts, denyHosts, allowPrivate, resolver, Remedy.CONFIG_KEYS);
    }

    private UrlPolicy(List<String> allowHosts, List<String> denyHosts, boolean allowPrivate, HostResolver resolver,
            Remedy remedy) {
        this.remedy = Objects.requireNonNull(remedy, "remedy");
        this.allowHosts = canonicalPatterns(allowHosts);
        this.denyHosts = canonicalPatterns(denyHosts);
        this.allowPrivate = allowPrivate;
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** Checks an {@code http://} or {@code https://} URI; resolves its host (may block on DNS). */
    public Decision check(URI uri) {
        try {
            return vet(uri, "image " + Uris.redact(uri));
        } catch (FetchException e) {
            return new Refused(e.failure());
        }
    }

    /** As {@link #check(URI)}, with {@code label} starting every message ("image URI ..."). */
    Allowed vet(URI uri, String label) throws FetchException {
        String source = Uris.redact(uri);
        String host = canonicalHost(uri.getHost());
        if (host == null || host.isEmpty()) {
            throw FetchException.of(FailureReason.INVALID_URI, source, label + " has no host; expected http(s)://host/path");
        }
        try {
            return new Allowed(host, vetHost(host));
        } catch (RefusedHostException e) {
            throw new FetchException(ImageFailure.of(e.reason(), source, label + ": " + e.getMessage()), false,
                    e.getCause());
        }
    }

    /**
     * The check for one host name: deny list, one resolution, allow list, address classes. This is what the
     * fetcher's HTTP client uses as its DNS resolver (see {@link PolicyDnsResolver}), so every connection it opens
     * goes to addresses returned here, and a refused host is never connected to.
     *
     * @param host a host name or IP literal (IPv6 with or without brackets); put into canonical form here
     * @return the vetted addresses, in the resolver's order; never empty
     * @throws RefusedHostException if the host is denied, does not resolve, or has a forbidden address; its
     *                              message says why, without naming the image
     */
    List<InetAddress> vetHost(String host) throws RefusedHostException {
        String h = canonicalHost(host);
        if (h == null || h.isEmpty()) {
            throw new RefusedHostException(FailureReason.INVALID_URI, "empty host name", null);
        }
        String denied = firstMatch(denyHosts, h);
        if (denied != null) {
            throw new RefusedHostException(FailureReason.BLOCKED_BY_POLICY, "host " + h
                    + " is denied by image.deny-hosts entry '" + denied + "'; it is never fetched", null);
        }
        List<InetAddress> addresses;
        try {
            addresses = List.copyOf(resolver.resolve(h));
        } catch (UnknownHostException e) {
            throw new RefusedHostException(FailureReason.NOT_FOUND, "host " + h
                    + " does not resolve; expected a resolvable host name", e);
        }
        if (addresses.isEmpty()) {
            throw new RefusedHostException(FailureReason.NOT_FOUND, "host " + h + " has no addresses", null);
        }
        if (firstMatch(allowHosts, h) != null) {
            return addresses;
        }
        for (InetAddress address : addresses) {
            AddressRules.Kind kind = AddressRules.classify(address);
            if (kind == AddressRules.Kind.PUBLIC || (kind == AddressRules.Kind.PRIVATE && allowPrivate)) {
                continue;
            }
            String how = remedy.advice(h, kind == AddressRules.Kind.PRIVATE);
            throw new RefusedHostException(FailureReason.BLOCKED_BY_POLICY, "host " + h + " resolves to "
                    + address.getHostAddress() + ", a " + kind.label() + " address; only public addresses are fetched ("
                    + how + ")", null);
        }
        return addresses;
    }

    /** Lower case, without IPv6 brackets or a trailing dot; IPv6 literals in their canonical text form. */
    static String canonicalHost(String host) {
        if (host == null) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.contains(":")) {
            try {
                // An IPv6 literal: parsed locally, no DNS lookup.
                h = InetAddress.getByName("[" + h + "]").getHostAddress();
            } catch (UnknownHostException e) {
                return h;
            }
        }
        return h;
    }

    private static List<String> canonicalPatterns(List<String> patterns) {
        List<String> out = new ArrayList<>(patterns.size());
        for (String p : patterns) {
            out.add(p.startsWith("*.") ? p.toLowerCase(Locale.ROOT) : canonicalHost(p));
        }
        return List.copyOf(out);
    }

    private static String firstMatch(List<String> patterns, String host) {
        for (String p : patterns) {
            if (p.startsWith("*.") ? host.endsWith(p.substring(1)) : host.equals(p)) {
                return p;
            }
        }
        return null;
    }
}
