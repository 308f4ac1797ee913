package io.embedstream.fetch;

import static io.embedstream.fetch.ScriptedHttpServer.answer;
import static io.embedstream.fetch.ScriptedHttpServer.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ImageConfig;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.ImageFailure;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the HTTP client (Apache HttpClient) does with answers that are legal but unusual, or broken, byte for byte
 * as a server could send them; and how pooled connections and the SSRF resolver work together.
 */
class ImageFetcherHttpProtocolTest {
    private static final byte[] IMAGE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private ScriptedHttpServer server(ScriptedHttpServer.Script script) {
        ScriptedHttpServer server = new ScriptedHttpServer(script);
        toClose.add(server);
        return server;
    }

    private static ImageConfig.Builder config() {
        return ImageConfig.builder().allowHosts(List.of("127.0.0.1")).connectTimeoutMs(1_000).readTimeoutMs(2_000)
                .maxRetries(2).retryBackoffMs(10);
    }

    private ImageFetcher fetcher(ImageConfig config) {
        return fetcher(config, HostResolver.system());
    }

    private ImageFetcher fetcher(ImageConfig config, HostResolver resolver) {
        try {
            ImageFetcher f = new ImageFetcher(config, resolver, SSLContext.getDefault());
            toClose.add(f);
            return f;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
    void shouldReadAChunkedBodyWithChunkExtensionsAndTrailers() {
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        chunked.writeBytes(ascii("3;note=first\r\n"));
        chunked.write(IMAGE, 0, 3);
        chunked.writeBytes(ascii("\r\n7\r\n"));
        chunked.write(IMAGE, 3, 7);
        chunked.writeBytes(ascii("\r\n0\r\nX-Checksum: 55\r\n\r\n"));
        ScriptedHttpServer server = server((head, nth) -> answer(
                "HTTP/1.1 200 OK\nContent-Type: image/png\nTransfer-Encoding: chunked", chunked.toByteArray()));
        assertThat(bytes(fetcher(config().build()).fetch(ImageRequest.of("1", server.url("127.0.0.1", "/a.png")))))
                .isEqualTo(IMAGE);
    }

    @Test
    void shouldReadABodyThatEndsWhenTheServerClosesTheConnection() {
        ScriptedHttpServer server = server((head, nth) -> answer("HTTP/1.1 200 OK\nConnection: close", IMAGE));
        assertThat(bytes(fetcher(config().build()).fetch(ImageRequest.of("1", server.url("127.0.0.1", "/a.png")))))
                .isEqualTo(IMAGE);
    }

    @Test
    void shouldRefuseAResponseWithAHugeHeaderCleanly() {
        String padding = "a".repeat(1024 * 1024);
        ScriptedHttpServer server = server((head, nth) -> answer(
                "HTTP/1.1 200 OK\nX-Padding: " + padding + "\nContent-Length: " + IMAGE.length, IMAGE));
        long start = System.nanoTime();
        ImageFailure f = failure(fetcher(config().build()).fetch(ImageRequest.of("1", server.url("127.0.0.1", "/a.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.IO_ERROR);
        assertThat(f.message()).contains(server.url("127.0.0.1", "/a.png")).contains("line length")
                .contains(ImageHttpClient.MAX_LINE_LENGTH + " characters per line");
        assertThat(server.requestHeads()).as("not retried").hasSize(1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
    }

    @Test
    void shouldRefuseAResponseWithTooManyHeaderFields() {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\nContent-Length: " + IMAGE.length);
        for (int i = 0; i < 10_000; i++) {
            head.append("\nX-Field-").append(i).append(": ").append(i);
        }
        ScriptedHttpServer server = server((h, nth) -> answer(head.toString(), IMAGE));
        ImageFailure f = failure(fetcher(config().build()).fetch(ImageRequest.of("1", server.url("127.0.0.1", "/a.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.IO_ERROR);
        assertThat(f.message()).contains("header count").contains("at most " + ImageHttpClient.MAX_HEADER_COUNT);
        assertThat(server.requestHeads()).hasSize(1);
    }

    @Test
    void shouldReportAnAnswerThatIsNotHttpAsIoError() {
        ScriptedHttpServer server = server((head, nth) -> ascii("SSH-2.0-OpenSSH_9.6\r\n\r\n"));
        ImageFailure f = failure(fetcher(config().build()).fetch(ImageRequest.of("1", server.url("127.0.0.1", "/a.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.IO_ERROR);
        assertThat(f.message()).contains("127.0.0.1").contains("HTTP");
        assertThat(server.requestHeads()).hasSize(1);
    }

    @Test
    void shouldReportABodyCutShortAsIoError() {
        ScriptedHttpServer server = server((head, nth) -> answer("HTTP/1.1 200 OK\nContent-Length: 100\nConnection: close",
                IMAGE));
        ImageFailure f = failure(fetcher(config().build()).fetch(ImageRequest.of("1", server.url("127.0.0.1", "/a.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.IO_ERROR);
        assertThat(f.message()).contains("incomplete HTTP answer").contains("expected: 100; received: 10");
    }

    @Test
    void shouldReportABrokenChunkAsIoError() {
        ScriptedHttpServer server = server((head, nth) -> answer(
                "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nConnection: close", ascii("zz\r\nabc\r\n0\r\n\r\n")));
        ImageFailure f = failure(fetcher(config().build()).fetch(ImageRequest.of("1", server.url("127.0.0.1", "/a.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.IO_ERROR);
        assertThat(f.message()).contains("chunk");
    }

    @Test
    void shouldReportAServerThatClosesWithoutAnsweringAsIoErrorWithoutHttpClientSendingAgain() {
        ScriptedHttpServer server = server((head, nth) -> null);
        ImageFailure f = failure(fetcher(config().maxRetries(0).build())
                .fetch(ImageRequest.of("1", server.url("127.0.0.1", "/a.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.IO_ERROR);
        assertThat(f.message()).contains("127.0.0.1").contains("closed the connection");
        assertThat(server.requestHeads()).hasSize(1);
    }

    @Test
    void shouldRetryAServerThatClosesWithoutAnsweringWithBackOff() {
        ScriptedHttpServer server = server((head, nth) -> null);
        ImageFailure f = failure(fetcher(config().maxRetries(2).build())
                .fetch(ImageRequest.of("1", server.url("127.0.0.1", "/a.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.IO_ERROR);
        assertThat(f.message()).contains("closed the connection").contains("gave up after 3 attempts");
        assertThat(server.requestHeads()).hasSize(3);
    }

    @Test
    void shouldReuseAKeptAliveConnectionWithoutResolvingTheHostAgain() {
        ScriptedHttpServer server = server((head, nth) -> answer("HTTP/1.1 200 OK\nContent-Length: " + IMAGE.length, IMAGE));
        List<String> lookups = new CopyOnWriteArrayList<>();
        HostResolver resolver = host -> {
            lookups.add(host);
            return List.of(InetAddress.getByName("127.0.0.1"));
        };
        ImageFetcher fetcher = fetcher(config().allowHosts(List.of("images.pooled.test")).build(), resolver);
        for (int i = 0; i < 3; i++) {
            assertThat(bytes(fetcher.fetch(ImageRequest.of("" + i, server.url("images.pooled.test", "/" + i + ".png")))))
                    .isEqualTo(IMAGE);
        }
        assertThat(server.connections()).isEqualTo(1);
        assertThat(server.requestHeads()).hasSize(3)
                .allSatisfy(h -> assertThat(h).contains("\r\nHost: images.pooled.test:" + server.port() + "\r\n"));
        assertThat(lookups).containsExactly("images.pooled.test");
    }

    @Test
    void shouldSendAgainOnANewConnectionWhenAKeptAliveOneWasDroppedBeforeAnswering() {
        // Each connection answers its first request and silently closes on the second: what a server whose
        // keep-alive timer ran out just as the request arrived looks like to the client.
        ScriptedHttpServer server = server((head, nth) -> nth == 1
                ? answer("HTTP/1.1 200 OK\nContent-Length: " + IMAGE.length, IMAGE) : null);
        ImageFetcher fetcher = fetcher(config().maxRetries(0).build());
        assertThat(bytes(fetcher.fetch(ImageRequest.of("1", server.url("127.0.0.1", "/1.png"))))).isEqualTo(IMAGE);
        assertThat(bytes(fetcher.fetch(ImageRequest.of("2", server.url("127.0.0.1", "/2.png"))))).isEqualTo(IMAGE);
        assertThat(server.connections()).isEqualTo(2);
        assertThat(server.requestHeads()).hasSize(3);
    }

    @Test
    void shouldVetEveryHostOfARedirectChainOnceThroughTheResolver() {
        ScriptedHttpServer[] self = new ScriptedHttpServer[1];
        self[0] = server((head, nth) -> head.startsWith("GET /start ")
                ? answer("HTTP/1.1 302 Found\nLocation: " + self[0].url("b.test", "/end.png") + "\nContent-Length: 0",
                        new byte[0])
                : answer("HTTP/1.1 200 OK\nContent-Length: " + IMAGE.length, IMAGE));
        List<String> lookups = new CopyOnWriteArrayList<>();
        HostResolver resolver = host -> {
            lookups.add(host);
            return List.of(InetAddress.getByName("127.0.0.1"));
        };
        ImageFetcher fetcher = fetcher(config().allowHosts(List.of("a.test", "b.test")).build(), resolver);
        FetchResult result = fetcher.fetch(ImageRequest.of("1", self[0].url("a.test", "/start")));
        assertThat(bytes(result)).isEqualTo(IMAGE);
        assertThat(((FetchResult.Fetched) result).source()).isEqualTo(self[0].url("b.test", "/end.png"));
        assertThat(lookups).containsExactly("a.test", "b.test");
    }

    @Test
    void shouldRefuseARedirectToAHostThatTheResolverPutsOnLoopbackWithoutConnecting() {
        // a.test is allowlisted; evil.test is not, and resolves to loopback: its server must never be contacted
        ScriptedHttpServer victim = server((head, nth) -> answer("HTTP/1.1 200 OK\nContent-Length: 3", ascii("key")));
        ScriptedHttpServer front = server((head, nth) -> answer("HTTP/1.1 302 Found\nLocation: "
                + victim.url("evil.test", "/secret") + "\nContent-Length: 0", new byte[0]));
        HostResolver resolver = host -> List.of(InetAddress.getByName("127.0.0.1"));
        ImageFetcher fetcher = fetcher(config().allowHosts(List.of("a.test")).build(), resolver);
        ImageFailure f = failure(fetcher.fetch(ImageRequest.of("1", front.url("a.test", "/img.png"))));
        assertThat(f.reason()).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(f.message()).contains("redirect 1 to " + victim.url("evil.test", "/secret"))
                .contains("host evil.test resolves to 127.0.0.1, a loopback address");
        assertThat(front.requestHeads()).hasSize(1);
        assertThat(victim.connections()).isZero();
    }
}
