package io.embedstream.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ImageConfig;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.ImageFailure;
import io.embedstream.testing.TestHttpServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Blocked addresses are never contacted: a counting server on 127.0.0.1 stays at zero requests, and blocked
 * non-local addresses fail at once (a connect attempt to 10.0.0.1 or 169.254.169.254 would hang until the
 * connect timeout, which is set to 5 s here).
 */
class SsrfGuardTest {
    private static final byte[] IMAGE = {1, 2, 3};

    private final TestHttpServer target = new TestHttpServer();     // the victim: must never see a request
    private final TestHttpServer front = new TestHttpServer();      // an allowlisted server that redirects
    private final ImageFetcher fetcher = new ImageFetcher(ImageConfig.builder()
            .allowHosts(List.of("localhost"))  // front is reached as "localhost"; 127.0.0.1 itself is not allowlisted
            .connectTimeoutMs(5_000).readTimeoutMs(5_000).maxRetries(3).retryBackoffMs(500).build());

    @AfterEach
    void tearDown() {
        fetcher.close();
        target.close();
        front.close();
    }

    private ImageFailure failure(String uri) {
        FetchResult result = fetcher.fetch(ImageRequest.of("1", uri));
        assertThat(result).as("%s", result).isInstanceOf(FetchResult.Failed.class);
        return ((FetchResult.Failed) result).failure();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "2130706433", "0.0.0.0"})
    void shouldNeverContactLoopbackThatIsNotAllowlisted(String host) {
        target.fallback(ex -> TestHttpServer.respond(ex, 200, IMAGE));
        ImageFailure f = failure("http://" + host + ":" + target.port() + "/a.png");
        assertThat(f.reason()).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(f.message()).contains("only public addresses are fetched");
        assertThat(target.requestCount()).isZero();
    }

    @Test
    void shouldRefuseShortIpv4FormThatUriCannotParse() {
        target.fallback(ex -> TestHttpServer.respond(ex, 200, IMAGE));
        // java.net.URI does not accept "127.1" as a host; the fetch is refused before any lookup
        assertThat(failure("http://127.1:" + target.port() + "/a.png").reason()).isEqualTo(FailureReason.INVALID_URI);
        assertThat(target.requestCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "169.254.169.254", "192.168.0.1", "[fd00::1]", "[fe80::1]", "224.0.0.1"})
    void shouldRefuseNonPublicAddressesInstantlyWithoutConnecting(String host) {
        long start = System.nanoTime();
        ImageFailure f = failure("http://" + host + "/latest/meta-data/");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(f.reason()).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(f.message()).contains(host);
        assertThat(ms).as("no connect attempt (timeout 5 s) and no retries (backoff 500 ms)").isLessThan(400);
    }

    @Test
    void shouldNeverFollowARedirectToLoopback() {
        target.fallback(ex -> TestHttpServer.respond(ex, 200, IMAGE));
        front.route("/img.png", ex -> TestHttpServer.redirect(ex, 302, target.url("/secret")));
        ImageFailure f = failure(front.url("localhost", "/img.png"));
        assertThat(f.reason()).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(f.message()).contains("redirect 1 to " + target.url("/secret")).contains("loopback");
        assertThat(front.requestCount()).isEqualTo(1);
        assertThat(target.requestCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data/iam/", "http://[::1]:1/x"})
    void shouldRefuseRedirectsToBlockedAddressesInstantly(String location) {
        front.route("/img.png", ex -> TestHttpServer.redirect(ex, 301, location));
        long start = System.nanoTime();
        ImageFailure f = failure(front.url("localhost", "/img.png"));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(f.reason()).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(f.message()).contains("redirect 1 to " + location);
        assertThat(ms).isLessThan(1_000);
        assertThat(front.requestCount()).as("blocked redirects are not retried").isEqualTo(1);
    }

    @Test
    void shouldRefuseDeniedHostEvenWhenAllowlisted() {
        target.fallback(ex -> TestHttpServer.respond(ex, 200, IMAGE));
        try (ImageFetcher denying = new ImageFetcher(ImageConfig.builder().allowHosts(List.of("127.0.0.1"))
                .denyHosts(List.of("127.0.0.1")).build())) {
            FetchResult result = denying.fetch(ImageRequest.of("1", target.url("/a.png")));
            assertThat(((FetchResult.Failed) result).failure().reason()).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        }
        assertThat(target.requestCount()).isZero();
    }

    @Test
    void shouldFetchFromAllowlistedLoopbackHostIgnoringCaseAndTrailingDot() {
        target.serve("/a.png", IMAGE);
        assertThat(fetcher.fetch(ImageRequest.of("1", target.url("localhost", "/a.png"))).ok()).isTrue();
        assertThat(fetcher.fetch(ImageRequest.of("2", target.url("LocalHost.", "/a.png"))).ok()).isTrue();
        assertThat(target.requestCount()).isEqualTo(2);
    }
}
