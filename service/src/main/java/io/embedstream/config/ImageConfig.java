package io.embedstream.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Fetching, decoding and preprocessing of image-reference records (config key {@code image:}).
 * Immutable; the defaults are those of {@link #defaults()}.
 *
 * <p><b>Host lists.</b> Each entry is an exact host ({@code images.example.com}, {@code 10.1.2.3},
 * {@code ::1}) or {@code *.suffix}, which matches every host that ends in {@code .suffix} (sub-domains only:
 * list {@code example.com} as well to match the bare domain). Matching ignores letter case and a trailing dot.
 * {@code deny-hosts} always wins. A host in {@code allow-hosts} is exempt from the address check, so it may
 * resolve to loopback or private addresses; every other host is fetched only if all of its addresses are
 * public. {@code allow-hosts} does not restrict fetching to the listed hosts.
 *
 * @param roots            directories that {@code file://} URIs may read from (after resolving {@code ..} and
 *                         symlinks); empty = every {@code file://} URI is refused
 * @param allowHosts       hosts exempt from the address check (see above)
 * @param denyHosts        hosts that are never fetched
 * @param allowPrivate     also fetch hosts whose addresses are private (10/8, 172.16/12, 192.168/16, 100.64/10,
 *                         fc00::/7). Loopback, link-local (cloud metadata at 169.254.169.254), unspecified,
 *                         multicast and reserved addresses stay blocked; list such hosts in allow-hosts
 * @param maxConcurrency   fetches in flight at once, over all stream threads sharing one fetcher
 * @param connectTimeoutMs longest wait for a TCP connection to one address
 * @param readTimeoutMs    longest time one attempt may take after connecting: TLS handshake, response head and
 *                         body together (so a server that trickles bytes cannot hold a fetch forever)
 * @param maxRetries       further attempts after a transient failure (timeout, connection refused or reset, HTTP
 *                         408, 429 or 5xx other than 501 and 505), at most; see {@code retry}
 * @param retryBackoffMs   wait before the first retry; doubles each retry (with jitter), at most
 *                         {@link #MAX_RETRY_BACKOFF_MS}; a longer {@code Retry-After} of a 429 or 503 answer wins
 * @param retry            {@code image.retry.*}: the time budget of the retries
 * @param maxBytes         largest image download or file, in bytes; larger ones are aborted
 * @param maxRedirects     HTTP redirects followed per fetch
 * @param maxPixels        largest width × height decoded; checked from the image header before decoding
 * @param resize           stretch | fit
 * @param scaling          unit | symmetric | imagenet | caffe | raw | custom (see {@link Scaling})
 * @param mean             per-channel means for {@code custom} (1 value or one per channel); empty = [0]
 * @param std              per-channel standard deviations for {@code custom}; empty = [1]
 * @param scale            factor applied to 0..255 values before mean and std, for {@code raw} and {@code custom}
 *                         (e.g. 0.00392156862745098 = 1/255)
 */
public record ImageConfig(
        List<Path> roots,
        List<String> allowHosts,
        List<String> denyHosts,
        boolean allowPrivate,
        int maxConcurrency,
        int connectTimeoutMs,
        int readTimeoutMs,
        int maxRetries,
        long retryBackoffMs,
        Retry retry,
        long maxBytes,
        int maxRedirects,
        long maxPixels,
        ResizeMode resize,
        Scaling scaling,
        List<Double> mean,
        List<Double> std,
        double scale) {

    public static final int DEFAULT_MAX_CONCURRENCY = 16;
    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
    public static final int DEFAULT_READ_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_MAX_RETRIES = 10;
    public static final long DEFAULT_RETRY_BACKOFF_MS = 100;
    public static final long DEFAULT_RETRY_MAX_ELAPSED_MS = 30_000;
    /** The longest single wait between two attempts, so that a recovered server is noticed within seconds. */
    public static final long MAX_RETRY_BACKOFF_MS = 5_000;

    /**
     * {@code image.retry}: how long an image may be retried.
     *
     * @param maxElapsedMs no retry starts later than this after the image's first attempt began; what is still
     *                     failing then is dead-lettered with the last attempt's reason. It bounds how long a batch
     *                     waits for an unreachable image server (see docs/images.md, "Retries")
     */
    public record Retry(long maxElapsedMs) {
        public Retry {
            Checks.atLeast("image.retry.max-elapsed-ms", maxElapsedMs, 0);
        }
    }
    public static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;
    public static final int DEFAULT_MAX_REDIRECTS = 5;
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+(%[a-z0-9]+)?");

    public ImageConfig {
        roots = roots(roots);
        allowHosts = hostPatterns("image.allow-hosts", allowHosts);
        denyHosts = hostPatterns("image.deny-hosts", denyHosts);
        Checks.atLeast("image.max-concurrency", maxConcurrency, 1);
        Checks.atLeast("image.connect-timeout-ms", connectTimeoutMs, 1);
        Checks.atLeast("image.read-timeout-ms", readTimeoutMs, 1);
        Checks.atLeast("image.max-retries", maxRetries, 0);
        Checks.atLeast("image.retry-backoff-ms", retryBackoffMs, 0);
        retry = retry == null ? new Retry(DEFAULT_RETRY_MAX_ELAPSED_MS) : retry;
        Checks.atLeast("image.max-bytes", maxBytes, 1);
        Checks.atLeast("image.max-redirects", maxRedirects, 0);
        Checks.atLeast("image.max-pixels", maxPixels, 1);
        Checks.required("image.resize", resize);
        Checks.required("image.scaling", scaling);
        mean = numbers("image.mean", mean);
        std = numbers("image.std", std);
        if (scaling != Scaling.CUSTOM && (!mean.isEmpty() || !std.isEmpty())) {
            throw new ConfigException("image.mean and image.std are only used with image.scaling=custom, but scaling is "
                    + scaling + " (mean=" + mean + ", std=" + std + "); remove them or set image.scaling: custom");
        }
        for (int i = 0; i < std.size(); i++) {
            if (!(std.get(i) > 0)) {
                throw ConfigException.invalid("image.std[" + i + "]", std.get(i), "must be > 0");
            }
        }
        if (!Double.isFinite(scale) || !(scale > 0)) {
            throw ConfigException.invalid("image.scale", scale, "must be a finite number > 0");
        }
        if (scale != 1.0 && scaling != Scaling.RAW && scaling != Scaling.CUSTOM) {
            throw ConfigException.invalid("image.scale", scale, "only raw and custom scaling take a scale factor, but"
                    + " image.scaling is " + scaling + " (which fixes its own); allowed: 1, or set image.scaling: raw or custom");
        }
    }

    /** The defaults: no file roots, no host lists, private addresses blocked, stretch, unit scaling. */
    public static ImageConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        return new Builder().roots(roots).allowHosts(allowHosts).denyHosts(denyHosts).allowPrivate(allowPrivate)
                .maxConcurrency(maxConcurrency).connectTimeoutMs(connectTimeoutMs).readTimeoutMs(readTimeoutMs)
                .maxRetries(maxRetries).retryBackoffMs(retryBackoffMs).retryMaxElapsedMs(retry.maxElapsedMs())
                .maxBytes(maxBytes).maxRedirects(maxRedirects)
                .maxPixels(maxPixels).resize(resize).scaling(scaling).mean(mean).std(std).scale(scale);
    }

    private static List<Path> roots(List<Path> roots) {
        if (roots == null) {
            return List.of();
        }
        List<Path> out = new ArrayList<>(roots.size());
        for (int i = 0; i < roots.size(); i++) {
            Path root = roots.get(i);
            if (root == null || root.toString().isBlank()) {
                throw ConfigException.invalid("image.roots[" + i + "]", root, "expected a directory path");
            }
            out.add(root.toAbsolutePath().normalize());
        }
        return List.copyOf(out);
    }

    private static List<String> hostPatterns(String key, List<String> patterns) {
        if (patterns == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(patterns.size());
        for (int i = 0; i < patterns.size(); i++) {
            String raw = patterns.get(i);
            String normalised = normaliseHostPattern(raw);
            if (normalised == null) {
                throw ConfigException.invalid(key + "[" + i + "]", raw,
                        "expected an exact host (images.example.com, 10.0.0.5, ::1) or *.suffix (*.example.com)");
            }
            out.add(normalised);
        }
        return List.copyOf(out);
    }

    /**
     * The canonical form of a host pattern: lower case, no trailing dot, no IPv6 brackets. {@code null} if it is
     * not a host name, an IP literal or {@code *.suffix}.
     */
    static String normaliseHostPattern(String raw) {
        if (raw == null) {
            return null;
        }
        String p = raw.trim().toLowerCase(Locale.ROOT);
        if (p.startsWith("[") && p.endsWith("]")) {
            p = p.substring(1, p.length() - 1);
        }
        if (p.endsWith(".")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.contains(":")) {
            return IPV6.matcher(p).matches() ? p : null;
        }
        String host = p.startsWith("*.") ? p.substring(2) : p;
        return HOST.matcher(host).matches() ? p : null;
    }

    private static List<Double> numbers(String key, List<Double> values) {
        if (values == null || values.isEmpty()) {
            return List.of();
        }
        if (values.size() != 1 && values.size() != 3) {
            throw ConfigException.invalid(key, values, "expected 1 value (all channels) or 3 values (R, G, B)");
        }
        for (int i = 0; i < values.size(); i++) {
            Double v = values.get(i);
            if (v == null || !Double.isFinite(v)) {
                throw ConfigException.invalid(key + "[" + i + "]", v, "expected a finite number");
            }
        }
        return List.copyOf(values);
    }

    /** Mutable builder, for the loader and for tests; {@link #build()} validates. */
    public static final class Builder {
        private List<Path> roots = List.of();
        private List<String> allowHosts = List.of();
        private List<String> denyHosts = List.of();
        private boolean allowPrivate;
        private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
        private int connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
        private int readTimeoutMs = DEFAULT_READ_TIMEOUT_MS;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private long retryBackoffMs = DEFAULT_RETRY_BACKOFF_MS;
        private long retryMaxElapsedMs = DEFAULT_RETRY_MAX_ELAPSED_MS;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private int maxRedirects = DEFAULT_MAX_REDIRECTS;
        private long maxPixels = DEFAULT_MAX_PIXELS;
        private ResizeMode resize = ResizeMode.STRETCH;
        private Scaling scaling = Scaling.UNIT;
        private List<Double> mean = List.of();
        private List<Double> std = List.of();
        private double scale = 1.0;

        private Builder() {}

        public Builder roots(List<Path> v) { roots = v; return this; }
        public Builder allowHosts(List<String> v) { allowHosts = v; return this; }
        public Builder denyHosts(List<String> v) { denyHosts = v; return this; }
        public Builder allowPrivate(boolean v) { allowPrivate = v; return this; }
        public Builder maxConcurrency(int v) { maxConcurrency = v; return this; }
        public Builder connectTimeoutMs(int v) { connectTimeoutMs = v; return this; }
        public Builder readTimeoutMs(int v) { readTimeoutMs = v; return this; }
        public Builder maxRetries(int v) { maxRetries = v; return this; }
        public Builder retryBackoffMs(long v) { retryBackoffMs = v; return this; }
        public Builder retryMaxElapsedMs(long v) { retryMaxElapsedMs = v; return this; }
        public Builder maxBytes(long v) { maxBytes = v; return this; }
        public Builder maxRedirects(int v) { maxRedirects = v; return this; }
        public Builder maxPixels(long v) { maxPixels = v; return this; }
        public Builder resize(ResizeMode v) { resize = v; return this; }
        public Builder scaling(Scaling v) { scaling = v; return this; }
        public Builder mean(List<Double> v) { mean = v; return this; }
        public Builder std(List<Double> v) { std = v; return this; }
        public Builder scale(double v) { scale = v; return this; }

        public ImageConfig build() {
            return new ImageConfig(roots, allowHosts, denyHosts, allowPrivate, maxConcurrency, connectTimeoutMs,
                    readTimeoutMs, maxRetries, retryBackoffMs, new Retry(retryMaxElapsedMs), maxBytes, maxRedirects, maxPixels, resize, scaling,
                    mean, std, scale);
        }
    }
}
