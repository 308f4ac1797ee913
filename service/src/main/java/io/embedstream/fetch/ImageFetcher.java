package io.embedstream.fetch;

import io.embedstream.config.ConfigException;
import io.embedstream.config.ImageConfig;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.ImageFailure;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the bytes of a whole micro-batch of images at once, from {@code http://}, {@code https://} or
 * {@code file://} URIs (or takes inline bytes as they are).
 *
 * <p><b>Concurrency.</b> Fetches run on a fixed pool of {@code image.max-concurrency} threads that this fetcher
 * owns, so at most that many are in flight at once, over all callers together. {@link #fetchAll} returns when
 * every request of the batch has an outcome; results are in request order. A retry waits for its back-off
 * without holding a pool thread.
 *
 * <p><b>Failures are values.</b> Bad input (a bad URI, a refused host, a 404, a timeout, an oversized body)
 * becomes a {@link FetchResult.Failed} with a {@link FailureReason}; nothing is thrown for it. Transient failures
 * (timeouts, connection refused or reset, HTTP 408, 429 and 5xx but 501 and 505) are retried with exponential
 * back-off and jitter, honouring {@code Retry-After}, within {@code image.max-retries} and
 * {@code image.retry.max-elapsed-ms} ({@link RetryPolicy}); permanent ones (404 and other 4xx, a refused host, a bad
 * URI, an oversized body, TLS and protocol errors) never.
 *
 * <p><b>HTTP.</b> Requests go through Apache HttpClient 5 (see {@link ImageHttpClient}), whose only DNS resolver
 * is the {@link UrlPolicy}: a host name is resolved once per new connection, through the SSRF check, and the
 * connection goes to the addresses that passed it, so a changed DNS answer cannot redirect it. Redirects are
 * followed here, not by HttpClient, up to {@code image.max-redirects}; every hop is checked again and goes only to
 * http or https. Downloads stop as soon as they exceed {@code image.max-bytes}.
 *
 * <p><b>Threads and ownership.</b> Thread-safe: one instance is meant to be shared by all stream threads. It owns
 * its worker threads (daemon threads named {@code embedstream-image-fetch-N}) and must be closed by whoever
 * created it, which also closes its HTTP connections. {@link #close()} fails the outcomes still pending with an
 * {@link IllegalStateException}. The returned byte arrays belong to the caller.
 */
public final class ImageFetcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ImageFetcher.class);
    private final ImageConfig config;
    private final RootedFileReader files;
    private final ImageHttpClient http;
    private final RetryPolicy retries;
    private final ThreadPoolExecutor workers;
    private final Set<CompletableFuture<FetchResult>> pending = ConcurrentHashMap.newKeySet();
    private final FetchListener listener;
    private volatile boolean closed;

    /** A fetcher with the JVM's DNS resolver and default TLS trust store. */
    public ImageFetcher(ImageConfig config) {
        this(config, HostResolver.system(), defaultTls(), UrlPolicy.Remedy.CONFIG_KEYS, FetchListener.NONE);
    }

    /**
     * As {@link #ImageFetcher(ImageConfig)}, with refusals that tell the user how to allow a blocked host in the
     * terms of their front end (a command names its own flag).
     */
    public ImageFetcher(ImageConfig config, UrlPolicy.Remedy remedy) {
        this(config, HostResolver.system(), defaultTls(), remedy, FetchListener.NONE);
    }

    /** As {@link #ImageFetcher(ImageConfig)}, telling {@code listener} every fetch's outcome and time (metrics). */
    public ImageFetcher(ImageConfig config, FetchListener listener) {
        this(config, HostResolver.system(), defaultTls(), UrlPolicy.Remedy.CONFIG_KEYS, listener);
    }

    /**
     * @param resolver resolves host names for the policy check, and so for the connection: HTTP requests never
     *                 resolve names any other way
     * @param tls      the TLS context for https (its trust store decides which certificates are accepted)
     * @throws ConfigException if an {@code image.roots} entry is not an existing directory
     */
    public ImageFetcher(ImageConfig config, HostResolver resolver, SSLContext tls) {
        this(config, resolver, tls, UrlPolicy.Remedy.CONFIG_KEYS, FetchListener.NONE);
    }

    /** As {@link #ImageFetcher(ImageConfig, HostResolver, SSLContext)}, telling {@code listener} every outcome. */
    public ImageFetcher(ImageConfig config, HostResolver resolver, SSLContext tls, FetchListener listener) {
        this(config, resolver, tls, UrlPolicy.Remedy.CONFIG_KEYS, listener);
    }

    private ImageFetcher(ImageConfig config, HostResolver resolver, SSLContext tls, UrlPolicy.Remedy remedy,
            FetchListener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        UrlPolicy policy = new UrlPolicy(config, resolver, remedy);
        this.files = new RootedFileReader(config.roots(), config.maxBytes());
        this.http = new ImageHttpClient(policy, tls, config);
        this.retries = RetryPolicy.of(config);
        AtomicInteger threadNumber = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(config.maxConcurrency(), config.maxConcurrency(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "embedstream-image-fetch-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        if (config.allowPrivate()) {
            log.warn("image.allow-private=true: images may be fetched from private network addresses");
        }
        log.info("Image fetcher ready: max-concurrency={}, roots={}, allow-hosts={}, deny-hosts={}, max-bytes={}, "
                        + "timeouts connect={}ms read={}ms, retries {}, max-redirects={}",
                config.maxConcurrency(), config.roots(), config.allowHosts(), config.denyHosts(), config.maxBytes(),
                config.connectTimeoutMs(), config.readTimeoutMs(), retries.describe(), config.maxRedirects());
    }

    /**
     * Fetches all requests concurrently and waits for all of them.
     *
     * @return one result per request, in request order
     * @throws IllegalStateException if this fetcher is or gets closed, or the calling thread is interrupted
     *                               (its interrupt flag is then set again and the unfinished fetches are abandoned)
     */
    public List<FetchResult> fetchAll(List<ImageRequest> requests) {
        List<CompletableFuture<FetchResult>> futures = submitAll(requests);
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(false));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching " + requests.size() + " images", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("fetching " + requests.size() + " images failed: " + e.getCause().getMessage(),
                    e.getCause());
        }
        List<FetchResult> results = new ArrayList<>(futures.size());
        futures.forEach(f -> results.add(f.join()));
        return results;
    }

    /**
     * As {@link #fetchAll}, without blocking: the requests are queued on the pool (inline bytes are only checked
     * against {@code image.max-bytes}) and no I/O happens on the calling thread. The future completes when every
     * request has an outcome; it completes exceptionally only if the fetcher is closed first.
     *
     * @throws IllegalStateException if this fetcher is closed
     */
    public CompletableFuture<List<FetchResult>> fetchAllAsync(List<ImageRequest> requests) {
        List<CompletableFuture<FetchResult>> futures = submitAll(requests);
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<FetchResult> results = new ArrayList<>(futures.size());
            futures.forEach(f -> results.add(f.join()));
            return results;
        });
    }

    /** Fetches one image; a convenience for {@code fetchAll(List.of(request)).get(0)}. */
    public FetchResult fetch(ImageRequest request) {
        return fetchAll(List.of(request)).get(0);
    }

    /** Stops the worker threads, closes the HTTP connections and fails every outcome not yet known. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        workers.shutdownNow();
        IllegalStateException closedError = new IllegalStateException("the image fetcher was closed");
        for (CompletableFuture<FetchResult> f : pending) {
            f.completeExceptionally(closedError);
        }
        http.close(); // fetches still on the wire fail at once; their outcomes are already decided
        try {
            if (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
                log.info("Image fetcher closed; some fetch threads are still finishing");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<CompletableFuture<FetchResult>> submitAll(List<ImageRequest> requests) {
        if (closed) {
            throw new IllegalStateException("the image fetcher is closed");
        }
        List<CompletableFuture<FetchResult>> futures = new ArrayList<>(requests.size());
        for (ImageRequest request : requests) {
            futures.add(submit(Objects.requireNonNull(request, "request")));
        }
        return futures;
    }

    private CompletableFuture<FetchResult> submit(ImageRequest request) {
        CompletableFuture<FetchResult> future = new CompletableFuture<>();
        if (request.hasInlineBytes()) {
            future.complete(inline(request));
            return future;
        }
        pending.add(future);
        future.whenComplete((v, e) -> pending.remove(future));
        long started = System.nanoTime();
        future.whenComplete((result, error) -> {
            if (result != null) {
                listener.fetched(result, System.nanoTime() - started);
            }
        });
        if (closed) { // close() may have run between the check in submitAll and pending.add
            future.completeExceptionally(new IllegalStateException("the image fetcher was closed"));
        }
        schedule(request, 0, future, 0, System.nanoTime());
        return future;
    }

    private FetchResult inline(ImageRequest request) {
        byte[] bytes = request.bytes();
        if (bytes.length > config.maxBytes()) {
            return new FetchResult.Failed(request, ImageFailure.of(FailureReason.TOO_LARGE, request.describe(),
                    "image " + request.describe() + " is " + bytes.length + " bytes; the limit is image.max-bytes="
                            + config.maxBytes()));
        }
        return new FetchResult.Fetched(request, bytes, request.describe());
    }

    /** @param startNanos when the first attempt was scheduled: the retry budget counts from there */
    private void schedule(ImageRequest request, int attempt, CompletableFuture<FetchResult> future, long delayMs,
            long startNanos) {
        Executor executor = delayMs <= 0 ? workers
                : CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS, workers);
        try {
            executor.execute(() -> attempt(request, attempt, future, startNanos));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new IllegalStateException("the image fetcher was closed", e));
        }
    }

    private void attempt(ImageRequest request, int attempt, CompletableFuture<FetchResult> future, long startNanos) {
        if (future.isDone()) {
            return; // cancelled, or the fetcher was closed
        }
        try {
            Body body = fetchOnce(request);
            future.complete(new FetchResult.Fetched(request, body.bytes(), body.source()));
        } catch (FetchException e) {
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            long delay = e.retryable() && !closed ? retries.delayMs(attempt + 1, elapsedMs, e.retryAfterMs())
                    : RetryPolicy.GIVE_UP;
            if (delay != RetryPolicy.GIVE_UP) {
                log.debug("Attempt {} for {} failed ({}); retrying in {} ms", attempt + 1, request.describe(),
                        e.getMessage(), delay);
                schedule(request, attempt + 1, future, delay, startNanos);
                return;
            }
            ImageFailure failure = e.failure();
            if (attempt > 0 || e.retryable()) {
                failure = failure.withSuffix("; gave up after " + (attempt + 1) + " attempt" + (attempt > 0 ? "s" : "")
                        + " in " + elapsedMs + " ms (" + retries.describe() + (e.retryAfterMs() >= 0
                        ? "; the server asked to retry after " + e.retryAfterMs() + " ms" : "") + ")");
            }
            log.debug("Fetch failed: {}", failure);
            future.complete(new FetchResult.Failed(request, failure));
        } catch (RuntimeException e) {
            if (closed) {
                future.completeExceptionally(new IllegalStateException("the image fetcher was closed", e));
                return;
            }
            log.warn("Unexpected error fetching {}", request.describe(), e);
            future.complete(new FetchResult.Failed(request, ImageFailure.of(FailureReason.IO_ERROR,
                    request.describe(), "image " + request.describe() + ": unexpected error: " + e)));
        } catch (Error e) {
            future.completeExceptionally(e);
            throw e;
        }
    }

    private record Body(byte[] bytes, String source) {}

    private Body fetchOnce(ImageRequest request) throws FetchException {
        String described = request.describe();
        String label = "image " + described;
        if (request.uri() == null || request.uri().isBlank()) {
            throw FetchException.of(FailureReason.INVALID_URI, described, "record " + request.id()
                    + " has no image uri and no inline bytes; expected an http(s):// or file:// URI");
        }
        URI uri;
        try {
            uri = Uris.parse(request.uri());
        } catch (URISyntaxException e) {
            throw new FetchException(ImageFailure.of(FailureReason.INVALID_URI, described, label
                    + " is not a valid URI (" + e.getMessage() + ")"), false, e);
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null) {
            throw FetchException.of(FailureReason.INVALID_URI, described, label
                    + " has no scheme; expected file://, http:// or https://");
        }
        switch (scheme) {
            case "file":
                return new Body(files.read(uri, label), described);
            case "http":
            case "https":
                return fetchHttp(uri, label);
            default:
                throw FetchException.of(FailureReason.UNSUPPORTED_SCHEME, described, label + " uses scheme '"
                        + scheme + "'; supported: file, http, https");
        }
    }

    private Body fetchHttp(URI start, String label) throws FetchException {
        String source = Uris.redact(start);
        URI current = start;
        for (int redirects = 0; ; redirects++) {
            String hopLabel = redirects == 0 ? label
                    : label + " (redirect " + redirects + " to " + Uris.redact(current) + ")";
            checkHttpUri(current, source, hopLabel);
            ImageHttpClient.Response response = http.get(current, hopLabel); // the policy vets the host on connect
            int status = response.status();
            if (status >= 200 && status < 300) {
                return new Body(response.body(), Uris.redact(current));
            }
            if (isRedirect(status)) {
                if (redirects >= config.maxRedirects()) {
                    throw new FetchException(ImageFailure.http(FailureReason.HTTP_STATUS, source, status, hopLabel
                            + ": another redirect (HTTP " + status + "), but image.max-redirects="
                            + config.maxRedirects() + " were already followed"), false, null);
                }
                current = redirectTarget(current, response, source, hopLabel);
                continue;
            }
            if (status == 404 || status == 410) {
                throw new FetchException(ImageFailure.http(FailureReason.NOT_FOUND, source, status, hopLabel
                        + ": the server answered HTTP " + status + " (not found); expected 200 with the image"), false, null);
            }
            long retryAfter = status == 429 || status == 503
                    ? RetryPolicy.retryAfterMs(response.retryAfter(), Instant.now()) : -1;
            throw new FetchException(ImageFailure.http(FailureReason.HTTP_STATUS, source, status, hopLabel
                    + ": the server answered HTTP " + status + "; expected 200 with the image"),
                    isTransient(status), retryAfter, null);
        }
    }

    /**
     * Statuses another attempt may cure: 408 (request timeout), 429 (too many requests) and 5xx but 501 (not
     * implemented) and 505 (HTTP version not supported).
     */
    static boolean isTransient(int status) {
        return status == 408 || status == 429 || (status >= 500 && status <= 599 && status != 501 && status != 505);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI redirectTarget(URI current, ImageHttpClient.Response response, String source, String label)
            throws FetchException {
        String location = response.location();
        if (location == null || location.isBlank()) {
            throw new FetchException(ImageFailure.http(FailureReason.HTTP_STATUS, source, response.status(), label
                    + ": redirect (HTTP " + response.status() + ") without a Location header"), false, null);
        }
        URI next;
        try {
            URI base = current.getRawPath() == null || current.getRawPath().isEmpty()
                    ? new URI(current.getScheme() + "://" + current.getRawAuthority() + "/") : current;
            next = base.resolve(Uris.parse(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new FetchException(ImageFailure.http(FailureReason.INVALID_URI, source, response.status(), label
                    + ": redirect Location '" + Uris.redact(location) + "' is not a valid URI"), false, e);
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchException(ImageFailure.http(FailureReason.BLOCKED_BY_POLICY, source, response.status(),
                    label + ": redirect to '" + Uris.redact(next) + "' refused; only http and https redirects are "
                            + "followed"), false, null);
        }
        return next;
    }

    private static void checkHttpUri(URI uri, String source, String label) throws FetchException {
        if (uri.getHost() == null) {
            throw FetchException.of(FailureReason.INVALID_URI, source, label
                    + " has no valid host; expected http(s)://host[:port]/path");
        }
        if (uri.getRawUserInfo() != null) {
            throw FetchException.of(FailureReason.INVALID_URI, source, label
                    + " carries credentials (user:password@); they are not supported in image URIs");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            throw FetchException.of(FailureReason.INVALID_URI, source, label + " has port " + uri.getPort()
                    + "; expected 1-65535");
        }
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context in this JVM", e);
        }
    }
}
