package io.embedstream.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.config.ImageConfig;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.ImageFailure;
import io.embedstream.testing.TestHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImageFetcherHttpTest {
    private static final byte[] IMAGE = {1, 2, 3, 4, 5, 6, 7, 8};

    private final TestHttpServer server = new TestHttpServer();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        server.close();
    }

    /** Loopback is allowlisted by name so that the test server can be reached. */
    private ImageConfig.Builder config() {
        return ImageConfig.builder().allowHosts(List.of("127.0.0.1")).connectTimeoutMs(1_000).readTimeoutMs(2_000)
                .maxRetries(2).retryBackoffMs(10);
    }

    private ImageFetcher fetcher(ImageConfig config) {
        ImageFetcher f = new ImageFetcher(config);
        toClose.add(f);
        return f;
    }

    private static ImageFailure failure(FetchResult result) {
        assertThat(result).isInstanceOf(FetchResult.Failed.class);
        return ((FetchResult.Failed) result).failure();
    }

    private static byte[] bytes(FetchResult result) {
        assertThat(result).as("%s", result).isInstanceOf(FetchResult.Fetched.class);
        return ((FetchResult.Fetched) result).bytes();
    }

    @Test
    void shouldFetchImageBytesOverHttp() {
        server.serve("/a.png", IMAGE);
        FetchResult result = fetcher(config().build()).fetch(ImageRequest.of("1", server.url("/a.png")));
        assertThat(bytes(result)).isEqualTo(IMAGE);
        assertThat(((FetchResult.Fetched) result).source()).isEqualTo(server.url("/a.png"));
    }

    @Test
    void shouldRetryOn503AndSucceed() {
        AtomicInteger calls = new AtomicInteger();
        server.route("/flaky.png", ex -> {
            if (calls.incrementAndGet() <= 2) {
                TestHttpServer.respond(ex, 503, new byte[0]);
            } else {
                TestHttpServer.respond(ex, 200, IMAGE);
            }
        });
        FetchResult result = fetcher(config().maxRetries(2).build()).fetch(ImageRequest.of("1", server.url("/flaky.png")));
        assertThat(bytes(result)).isEqualTo(IMAGE);
        assertThat(server.requestCount("/flaky.png")).isEqualTo(3);
    }

    @Test
    void shouldGiveUpOn5xxAfterMaxRetries() {
        server.route("/down.png", ex -> TestHttpServer.respond(ex, 500, new byte[0]));
        ImageFailure f = failure(fetcher(config().maxRetries(2).build()).fetch(ImageRequest.of("1", server.url("/down.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.HTTP_STATUS);
        assertThat(f.httpStatus()).hasValue(500);
        assertThat(f.message()).contains(server.url("/down.png")).contains("HTTP 500").contains("expected 200")
                .contains("gave up after 3 attempts");
        assertThat(server.requestCount("/down.png")).isEqualTo(3);
    }

    @Test
    void shouldRetryConnectionRefusedUntilTheServerComesBack() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/back.png";
        CompletableFuture<TestHttpServer> later = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(1_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TestHttpServer back = new TestHttpServer(port);
            back.serve("/back.png", IMAGE);
            return back;
        });
        try {
            FetchResult result = fetcher(config().maxRetries(20).retryBackoffMs(50).retryMaxElapsedMs(20_000).build())
                    .fetch(ImageRequest.of("1", url));
            assertThat(bytes(result)).isEqualTo(IMAGE);
            assertThat(later.get().requestCount("/back.png")).isEqualTo(1);
        } finally {
            later.get().close();
        }
    }

    @Test
    void shouldDeadLetterConnectionRefusedOnceTheRetryBudgetIsSpent() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        ImageFailure f = failure(fetcher(config().maxRetries(100).retryBackoffMs(50).retryMaxElapsedMs(600).build())
                .fetch(ImageRequest.of("1", "http://127.0.0.1:" + port + "/gone.png")));
        assertThat(f.reason()).isEqualTo(FailureReason.IO_ERROR);
        assertThat(f.message()).contains("cannot connect to 127.0.0.1:" + port).contains("gave up after")
                .contains("image.retry.max-elapsed-ms=600");
    }

    @Test
    void shouldWaitForRetryAfterOn429() {
        List<Long> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.route("/busy.png", ex -> {
            arrivals.add(System.nanoTime());
            if (arrivals.size() == 1) {
                ex.getResponseHeaders().add("Retry-After", "1");
                TestHttpServer.respond(ex, 429, new byte[0]);
            } else {
                TestHttpServer.respond(ex, 200, IMAGE);
            }
        });
        FetchResult result = fetcher(config().build()).fetch(ImageRequest.of("1", server.url("/busy.png")));
        assertThat(bytes(result)).isEqualTo(IMAGE);
        assertThat(arrivals).hasSize(2);
        assertThat(TimeUnit.NANOSECONDS.toMillis(arrivals.get(1) - arrivals.get(0))).isGreaterThanOrEqualTo(950);
    }

    @Test
    void shouldGiveUpAtOnceWhenRetryAfterIsBeyondTheBudget() {
        server.route("/later.png", ex -> {
            ex.getResponseHeaders().add("Retry-After", "120");
            TestHttpServer.respond(ex, 503, new byte[0]);
        });
        ImageFailure f = failure(fetcher(config().maxRetries(5).retryMaxElapsedMs(30_000).build())
                .fetch(ImageRequest.of("1", server.url("/later.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.HTTP_STATUS);
        assertThat(f.httpStatus()).hasValue(503);
        assertThat(f.message()).contains("gave up after 1 attempt").contains("retry after 120000 ms");
        assertThat(server.requestCount("/later.png")).isEqualTo(1);
    }

    @Test
    void shouldNotRetry501() {
        server.route("/odd.png", ex -> TestHttpServer.respond(ex, 501, new byte[0]));
        ImageFailure f = failure(fetcher(config().maxRetries(3).build()).fetch(ImageRequest.of("1", server.url("/odd.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.HTTP_STATUS);
        assertThat(server.requestCount("/odd.png")).isEqualTo(1);
    }

    @Test
    void shouldNotRetry404() {
        ImageFailure f = failure(fetcher(config().maxRetries(3).build()).fetch(ImageRequest.of("1", server.url("/missing.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.NOT_FOUND);
        assertThat(f.httpStatus()).hasValue(404);
        assertThat(f.message()).contains(server.url("/missing.png")).contains("404");
        assertThat(server.requestCount("/missing.png")).isEqualTo(1);
    }

    @Test
    void shouldNotRetryOther4xx() {
        server.route("/secret.png", ex -> TestHttpServer.respond(ex, 403, new byte[0]));
        ImageFailure f = failure(fetcher(config().maxRetries(3).build()).fetch(ImageRequest.of("1", server.url("/secret.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.HTTP_STATUS);
        assertThat(f.httpStatus()).hasValue(403);
        assertThat(server.requestCount("/secret.png")).isEqualTo(1);
    }

    @Test
    void shouldTimeOutASlowServerAndRetryTimeouts() {
        server.route("/slow.png", ex -> {
            Thread.sleep(3_000);
            TestHttpServer.respond(ex, 200, IMAGE);
        });
        long start = System.nanoTime();
        ImageFailure f = failure(fetcher(config().readTimeoutMs(300).maxRetries(1).build())
                .fetch(ImageRequest.of("1", server.url("/slow.png"))));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(f.reason()).isEqualTo(FailureReason.TIMEOUT);
        assertThat(f.message()).contains("image.read-timeout-ms=300").contains("gave up after 2 attempts");
        assertThat(server.requestCount("/slow.png")).isEqualTo(2);
        assertThat(ms).isBetween(600L, 2_500L);
    }

    @Test
    void shouldBoundTheWholeAnswerByTheReadTimeoutEvenWhenBytesTrickle() {
        server.route("/trickle.png", ex -> {
            ex.sendResponseHeaders(200, 100);
            OutputStream out = ex.getResponseBody();
            for (int i = 0; i < 100; i++) {
                out.write(i);
                out.flush();
                Thread.sleep(50);
            }
        });
        long start = System.nanoTime();
        ImageFailure f = failure(fetcher(config().readTimeoutMs(500).maxRetries(0).build())
                .fetch(ImageRequest.of("1", server.url("/trickle.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.TIMEOUT);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
    }

    @Test
    void shouldTimeOutConnectingToAServerThatNeverAccepts() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            // Fill the accept queue: once it is full the kernel drops further SYNs, so connecting hangs.
            List<Socket> held = new ArrayList<>();
            try {
                while (true) {
                    Socket s = new Socket();
                    try {
                        s.connect(full.getLocalSocketAddress(), 200);
                        held.add(s);
                    } catch (SocketTimeoutException e) {
                        s.close();
                        break;
                    }
                }
                String url = "http://127.0.0.1:" + full.getLocalPort() + "/a.png";
                ImageFailure f = failure(fetcher(config().connectTimeoutMs(200).maxRetries(1).build())
                        .fetch(ImageRequest.of("1", url)));
                assertThat(f.reason()).isEqualTo(FailureReason.TIMEOUT);
                assertThat(f.message()).contains("connecting to 127.0.0.1").contains("image.connect-timeout-ms=200")
                        .contains("gave up after 2 attempts");
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void shouldRefuseAnswerWhoseContentLengthExceedsMaxBytesWithoutDownloadingIt() {
        int declared = 64 * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        server.route("/huge.png", ex -> {
            ex.sendResponseHeaders(200, declared);
            OutputStream out = ex.getResponseBody();
            byte[] block = new byte[64 * 1024];
            for (int i = 0; i < declared / block.length; i++) {
                out.write(block);
                written.addAndGet(block.length);
            }
        });
        long start = System.nanoTime();
        ImageFailure f = failure(fetcher(config().maxBytes(1024 * 1024).build())
                .fetch(ImageRequest.of("1", server.url("/huge.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.TOO_LARGE);
        assertThat(f.message()).contains(server.url("/huge.png")).contains("67108864 bytes (Content-Length)")
                .contains("image.max-bytes=1048576");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
        assertThat(written.get()).as("bytes the server managed to send").isLessThan(declared);
    }

    @Test
    void shouldAbortAChunkedDownloadOnceItPassesMaxBytes() throws Exception {
        long total = 64L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        CompletableFuture<Boolean> serverSawAbort = new CompletableFuture<>();
        server.route("/stream.png", ex -> {
            ex.sendResponseHeaders(200, 0); // no length: chunked
            OutputStream out = ex.getResponseBody();
            byte[] block = new byte[64 * 1024];
            try {
                while (written.get() < total) {
                    out.write(block);
                    written.addAndGet(block.length);
                }
                serverSawAbort.complete(false);
            } catch (IOException e) {
                serverSawAbort.complete(true);
            }
        });
        ImageFailure f = failure(fetcher(config().maxBytes(100_000).build())
                .fetch(ImageRequest.of("1", server.url("/stream.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.TOO_LARGE);
        assertThat(f.message()).contains("image.max-bytes=100000").contains("aborted");
        assertThat(serverSawAbort.get(10, TimeUnit.SECONDS)).as("server write failed because the client hung up").isTrue();
        assertThat(written.get()).isLessThan(total);
    }

    @Test
    void shouldFollowRelativeAndAbsoluteRedirects() {
        server.route("/start", ex -> TestHttpServer.redirect(ex, 301, "/middle"));
        server.route("/middle", ex -> TestHttpServer.redirect(ex, 307, server.url("/images/end.png")));
        server.serve("/images/end.png", IMAGE);
        FetchResult result = fetcher(config().build()).fetch(ImageRequest.of("1", server.url("/start")));
        assertThat(bytes(result)).isEqualTo(IMAGE);
        assertThat(((FetchResult.Fetched) result).source()).isEqualTo(server.url("/images/end.png"));
    }

    @Test
    void shouldStopAtTheRedirectLimitWithoutRequestingTheNextHop() {
        for (int i = 0; i < 10; i++) {
            String next = "/r" + (i + 1);
            server.route("/r" + i, ex -> TestHttpServer.redirect(ex, 302, next));
        }
        server.fallback(ex -> TestHttpServer.respond(ex, 200, IMAGE));
        ImageFetcher fetcher = fetcher(config().maxRedirects(3).build());

        ImageFailure f = failure(fetcher.fetch(ImageRequest.of("1", server.url("/r0"))));
        assertThat(f.reason()).isEqualTo(FailureReason.HTTP_STATUS);
        assertThat(f.httpStatus()).hasValue(302);
        assertThat(f.message()).contains("image.max-redirects=3");
        assertThat(server.requestCount("/r3")).isEqualTo(1);
        assertThat(server.requestCount("/r4")).isZero();

        // exactly max-redirects hops are fine
        assertThat(bytes(fetcher.fetch(ImageRequest.of("2", server.url("/r7"))))).isEqualTo(IMAGE);
    }

    @Test
    void shouldRefuseRedirectToNonHttpScheme() {
        server.route("/to-file", ex -> TestHttpServer.redirect(ex, 302, "file:///etc/passwd"));
        ImageFailure f = failure(fetcher(config().build()).fetch(ImageRequest.of("1", server.url("/to-file"))));
        assertThat(f.reason()).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(f.message()).contains("file:///etc/passwd").contains("only http and https");
    }

    @Test
    void shouldReportRedirectWithoutLocation() {
        server.route("/nowhere", ex -> TestHttpServer.respond(ex, 302, new byte[0]));
        ImageFailure f = failure(fetcher(config().build()).fetch(ImageRequest.of("1", server.url("/nowhere"))));
        assertThat(f.reason()).isEqualTo(FailureReason.HTTP_STATUS);
        assertThat(f.message()).contains("without a Location");
    }

    @Test
    void shouldDecodeGzipContentEncoding() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(IMAGE);
        }
        server.route("/gz.png", ex -> {
            ex.getResponseHeaders().add("Content-Encoding", "gzip");
            TestHttpServer.respond(ex, 200, gz.toByteArray());
        });
        assertThat(bytes(fetcher(config().build()).fetch(ImageRequest.of("1", server.url("/gz.png"))))).isEqualTo(IMAGE);
    }

    @Test
    void shouldConnectToTheVettedAddressAndSendTheHostName() {
        server.serve("/a.png", IMAGE);
        AtomicInteger lookups = new AtomicInteger();
        // "images.pinned.test" exists only in this resolver: if anything resolved the name again through the
        // system resolver, the request would fail.
        HostResolver resolver = host -> {
            lookups.incrementAndGet();
            return List.of(InetAddress.getByName("127.0.0.1"));
        };
        ImageFetcher fetcher = new ImageFetcher(config().allowHosts(List.of("images.pinned.test")).build(), resolver,
                defaultTls());
        toClose.add(fetcher);
        FetchResult result = fetcher.fetch(ImageRequest.of("1", server.url("images.pinned.test", "/a.png")));
        assertThat(bytes(result)).isEqualTo(IMAGE);
        assertThat(lookups).hasValue(1);
        assertThat(server.hostHeaders()).containsExactly("images.pinned.test:" + server.port());
    }

    @Test
    void shouldTakeInlineBytesWithoutFetching() {
        ImageFetcher fetcher = fetcher(config().maxBytes(8).build());
        FetchResult ok = fetcher.fetch(ImageRequest.inline("1", server.url("/never.png"), IMAGE));
        assertThat(bytes(ok)).isSameAs(IMAGE);
        ImageFailure tooBig = failure(fetcher.fetch(ImageRequest.inline("2", server.url("/never.png"), new byte[9])));
        assertThat(tooBig.reason()).isEqualTo(FailureReason.TOO_LARGE);
        assertThat(tooBig.message()).contains("inline bytes of record 2").contains("image.max-bytes=8");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void shouldRefuseMalformedAndUnsupportedUris() {
        ImageFetcher fetcher = fetcher(config().build());
        assertThat(failure(fetcher.fetch(ImageRequest.of("1", "http://exa mple.com/a.png"))).reason())
                .isEqualTo(FailureReason.INVALID_URI);
        assertThat(failure(fetcher.fetch(ImageRequest.of("2", "images/a.png"))).message())
                .contains("has no scheme").contains("file://, http:// or https://");
        assertThat(failure(fetcher.fetch(ImageRequest.of("3", "http:///a.png"))).reason())
                .isEqualTo(FailureReason.INVALID_URI);
        assertThat(failure(fetcher.fetch(ImageRequest.of("4", null))).reason()).isEqualTo(FailureReason.INVALID_URI);
        ImageFailure ftp = failure(fetcher.fetch(ImageRequest.of("5", "ftp://example.com/a.png")));
        assertThat(ftp.reason()).isEqualTo(FailureReason.UNSUPPORTED_SCHEME);
        assertThat(ftp.message()).contains("'ftp'").contains("supported: file, http, https");
        assertThat(failure(fetcher.fetch(ImageRequest.of("6", "data:image/png;base64,AAAA"))).reason())
                .isEqualTo(FailureReason.UNSUPPORTED_SCHEME);
        ImageFailure creds = failure(fetcher.fetch(ImageRequest.of("7", "http://user:s3cret@127.0.0.1/a.png")));
        assertThat(creds.reason()).isEqualTo(FailureReason.INVALID_URI);
        assertThat(creds.message()).doesNotContain("s3cret").contains("***@127.0.0.1");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void shouldReportConnectionRefusedAsIoError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        ImageFailure f = failure(fetcher(config().build()).fetch(ImageRequest.of("1", "http://127.0.0.1:" + port + "/a")));
        assertThat(f.reason()).isEqualTo(FailureReason.IO_ERROR);
        assertThat(f.message()).contains("cannot connect to 127.0.0.1");
    }

    @Test
    void shouldReturnResultsInRequestOrder() {
        server.route("/slow.png", ex -> {
            Thread.sleep(200);
            TestHttpServer.respond(ex, 200, new byte[] {1});
        });
        server.serve("/fast.png", new byte[] {2});
        List<FetchResult> results = fetcher(config().build()).fetchAll(List.of(
                ImageRequest.of("a", server.url("/slow.png")),
                ImageRequest.of("b", server.url("/missing.png")),
                ImageRequest.of("c", server.url("/fast.png")),
                ImageRequest.inline("d", "x", new byte[] {3})));
        assertThat(results).extracting(r -> r.request().id()).containsExactly("a", "b", "c", "d");
        assertThat(bytes(results.get(0))).containsExactly(1);
        assertThat(failure(results.get(1)).reason()).isEqualTo(FailureReason.NOT_FOUND);
        assertThat(bytes(results.get(2))).containsExactly(2);
        assertThat(bytes(results.get(3))).containsExactly(3);
    }

    @Test
    void shouldNeverHaveMoreThanMaxConcurrencyRequestsInFlight() {
        server.fallback(server.delayed(50, IMAGE));
        List<ImageRequest> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(ImageRequest.of("" + i, server.url("/img" + i + ".png")));
        }
        List<FetchResult> results = fetcher(config().maxConcurrency(4).build()).fetchAll(batch);
        assertThat(results).allMatch(FetchResult::ok);
        assertThat(server.maxConcurrentlyServed()).isBetween(2, 4);
    }

    @Test
    void shouldFetchABatchConcurrentlyNotOneAfterAnother() {
        int n = 64;
        int concurrency = 16;
        int delayMs = 50;
        server.fallback(server.delayed(delayMs, IMAGE));
        List<ImageRequest> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(ImageRequest.of("" + i, server.url("/img" + i + ".png")));
        }
        ImageFetcher fetcher = fetcher(config().maxConcurrency(concurrency).build());
        fetcher.fetchAll(batch.subList(0, concurrency)); // warm up (class loading, JIT)
        long start = System.nanoTime();
        List<FetchResult> results = fetcher.fetchAll(batch);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(results).allMatch(FetchResult::ok);
        long ideal = (long) n / concurrency * delayMs; // 200 ms
        long serial = (long) n * delayMs;             // 3200 ms
        assertThat(ms).as("elapsed ms; ideal %d, serial %d", ideal, serial).isBetween(ideal, serial / 4);
        assertThat(server.maxConcurrentlyServed()).isLessThanOrEqualTo(concurrency);
    }

    @Test
    void shouldFailPendingFetchesWhenClosedAndRefuseNewOnes() throws Exception {
        server.fallback(ex -> {
            Thread.sleep(3_000);
            TestHttpServer.respond(ex, 200, IMAGE);
        });
        ImageFetcher fetcher = new ImageFetcher(config().build());
        CompletableFuture<List<FetchResult>> pending = fetcher.fetchAllAsync(
                List.of(ImageRequest.of("1", server.url("/a.png"))));
        Thread.sleep(100);
        long start = System.nanoTime();
        fetcher.close();
        assertThatThrownBy(() -> pending.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
        assertThatThrownBy(() -> fetcher.fetchAll(List.of(ImageRequest.of("2", server.url("/b.png")))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        fetcher.close(); // idempotent
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
