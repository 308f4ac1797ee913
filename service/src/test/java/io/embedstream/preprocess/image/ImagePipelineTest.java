package io.embedstream.preprocess.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ImageConfig;
import io.embedstream.config.ResizeMode;
import io.embedstream.config.Scaling;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.ImageFailure;
import io.embedstream.fetch.ImageFetcher;
import io.embedstream.fetch.ImageRequest;
import io.embedstream.testing.TestHttpServer;
import java.awt.Color;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every failure reason comes out of one batch as a value, in order, next to the images that succeed. */
class ImagePipelineTest {
    @TempDir
    Path root;
    private final TestHttpServer server = new TestHttpServer();
    private ImageFetcher fetcher;

    @AfterEach
    void tearDown() {
        if (fetcher != null) {
            fetcher.close();
        }
        server.close();
    }

    @Test
    void shouldTurnEveryKindOfBadInputIntoAFailureValueWithItsReason() throws IOException {
        byte[] png = TestImages.encode(TestImages.solid(40, 30, Color.ORANGE), "png");
        server.serve("/ok.png", png);
        server.route("/error.png", ex -> TestHttpServer.respond(ex, 500, new byte[0]));
        server.route("/slow.png", ex -> {
            Thread.sleep(2_000);
            TestHttpServer.respond(ex, 200, png);
        });
        server.serve("/big.png", new byte[5_000]);
        server.serve("/text.png", "hello".getBytes());
        server.serve("/bomb.png", TestImages.headerOnlyPng(10_000, 5_000));
        Files.write(root.resolve("ok.png"), png);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        ImageConfig config = ImageConfig.builder().roots(List.of(root)).allowHosts(List.of("127.0.0.1"))
                .readTimeoutMs(300).maxRetries(0).maxBytes(4_000).resize(ResizeMode.FIT).scaling(Scaling.UNIT).build();
        fetcher = new ImageFetcher(config);
        ImagePipeline pipeline = new ImagePipeline(fetcher, new ImageDecoder(config.maxPixels()),
                ImagePreprocessor.of(config, new ImageSpec(16, 16, 3)));

        List<ImageRequest> requests = List.of(
                ImageRequest.of("ok-http", server.url("/ok.png")),
                ImageRequest.of("ok-file", root.resolve("ok.png").toUri().toString()),
                ImageRequest.inline("ok-inline", "inline:1", png),
                ImageRequest.of("NOT_FOUND", server.url("/missing.png")),
                ImageRequest.of("HTTP_STATUS", server.url("/error.png")),
                ImageRequest.of("TIMEOUT", server.url("/slow.png")),
                ImageRequest.of("TOO_LARGE", server.url("/big.png")),
                ImageRequest.of("NOT_AN_IMAGE", server.url("/text.png")),
                ImageRequest.of("TOO_MANY_PIXELS", server.url("/bomb.png")),
                ImageRequest.of("BLOCKED_BY_POLICY", "http://169.254.169.254/latest/meta-data/"),
                ImageRequest.of("OUTSIDE_ALLOWED_ROOTS", "file:///etc/hostname"),
                ImageRequest.of("UNSUPPORTED_SCHEME", "gopher://example.com/a.png"),
                ImageRequest.of("INVALID_URI", "http://[broken/a.png"),
                ImageRequest.of("IO_ERROR", "http://127.0.0.1:" + closedPort + "/a.png"));

        List<ImageResult> results = pipeline.process(requests);

        assertThat(results).extracting(r -> r.request().id())
                .containsExactlyElementsOf(requests.stream().map(ImageRequest::id).toList());
        Set<FailureReason> seen = EnumSet.noneOf(FailureReason.class);
        for (ImageResult r : results) {
            String id = r.request().id();
            if (id.startsWith("ok-")) {
                assertThat(r).as(id + ": " + r).isInstanceOf(ImageResult.Ready.class);
                assertThat(((ImageResult.Ready) r).row()).hasSize(16 * 16 * 3);
                continue;
            }
            assertThat(r).as(id).isInstanceOf(ImageResult.Failed.class);
            ImageFailure f = ((ImageResult.Failed) r).failure();
            assertThat(f.reason().name()).as(f.toString()).isEqualTo(id);
            assertThat(f.message()).as("message names the image").contains(r.request().uri());
            seen.add(f.reason());
        }
        assertThat(seen).as("every image reason").isEqualTo(EnumSet.range(FailureReason.NOT_FOUND, FailureReason.IO_ERROR));
        assertThat(pipeline.batchOf(results).shape()).containsExactly(3, 16, 16, 3);
    }

    @Test
    void shouldDecodeTheDownloadedBytesAndNameTheRequestInDecodeFailures() {
        server.serve("/bomb.png", TestImages.headerOnlyPng(10_000, 5_000));
        ImageConfig config = ImageConfig.builder().allowHosts(List.of("127.0.0.1")).build();
        fetcher = new ImageFetcher(config);
        ImagePipeline pipeline = new ImagePipeline(fetcher, new ImageDecoder(config.maxPixels()),
                ImagePreprocessor.of(config, new ImageSpec(28, 28, 1)));
        List<ImageResult> results = pipeline.process(new ArrayList<>(List.of(ImageRequest.of("1", server.url("/bomb.png")))));
        ImageFailure f = ((ImageResult.Failed) results.get(0)).failure();
        assertThat(f.message()).isEqualTo("image " + server.url("/bomb.png")
                + " has 50000000 pixels (10000x5000); the limit is image.max-pixels=40000000");
    }
}
