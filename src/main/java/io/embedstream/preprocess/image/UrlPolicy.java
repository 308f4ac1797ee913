package io.embedstream.preprocess.image;

import io.embedstream.config.ImageConfig;
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
 * <p>An allowed decision carries the vetted addresses; the fetcher connects to those and to nothing else, so a
 * DNS answer that changes between check and connect (DNS rebinding) has no effect. The fetcher runs the check
 * on every redirect hop.
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

    private final List<String> allowHosts;
    private final List<String> denyHosts;
    private final boolean allowPrivate;
    private final HostResolver resolver;

    public UrlPolicy(ImageConfig config, HostResolver resolver) {
        this(config.allowHosts(), config.denyHosts(), config.allowPrivate(), resolver);
    }

    /**
     * @param allowHosts   exact hosts or {@code *.suffix}, exempt from the address check
     * @param denyHosts    exact hosts or {@code *.suffix}, always refused
     * @param allowPrivate whether private (RFC 1918, CGNAT, ULA) addresses are acceptable
     */
    public UrlPolicy(List<String> allowHosts, List<String> denyHosts, boolean allowPrivate, HostResolver resolver) {
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

    /** As {@link #check(URI)}, for the fetcher: {@code label} starts every message ("image URI ..."). */
    Allowed vet(URI uri, String label) throws FetchException {
        String source = Uris.redact(uri);
        String host = canonicalHost(uri.getHost());
        if (host == null || host.isEmpty()) {
            throw FetchException.of(FailureReason.INVALID_URI, source, label + " has no host; expected http(s)://host/path");
        }
        String denied = firstMatch(denyHosts, host);
        if (denied != null) {
            throw FetchException.of(FailureReason.BLOCKED_BY_POLICY, source, label + ": host " + host
                    + " is denied by image.deny-hosts entry '" + denied + "'; it is never fetched");
        }
        List<InetAddress> addresses;
        try {
            addresses = List.copyOf(resolver.resolve(host));
        } catch (UnknownHostException e) {
            throw new FetchException(ImageFailure.of(FailureReason.NOT_FOUND, source,
                    label + ": host " + host + " does not resolve; expected a resolvable host name"), false, e);
        }
        if (addresses.isEmpty()) {
            throw FetchException.of(FailureReason.NOT_FOUND, source, label + ": host " + host + " has no addresses");
        }
        if (firstMatch(allowHosts, host) != null) {
            return new Allowed(host, addresses);
        }
        for (InetAddress address : addresses) {
            AddressRules.Kind kind = AddressRules.classify(address);
            if (kind == AddressRules.Kind.PUBLIC || (kind == AddressRules.Kind.PRIVATE && allowPrivate)) {
                continue;
            }
            String how = kind == AddressRules.Kind.PRIVATE
                    ? "add the host to image.allow-hosts, or set image.allow-private=true"
                    : "add the host to image.allow-hosts to fetch it anyway";
            throw FetchException.of(FailureReason.BLOCKED_BY_POLICY, source, label + ": host " + host
                    + " resolves to " + address.getHostAddress() + ", a " + kind.label()
                    + " address; only public addresses are fetched (" + how + ")");
        }
        return new Allowed(host, addresses);
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
