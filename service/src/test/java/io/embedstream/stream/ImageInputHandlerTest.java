package io.embedstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.embedstream.avro.ImageReference;
import io.embedstream.config.ImageConfig;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.RecordFailure;
import io.embedstream.failure.ImageFailure;
import io.embedstream.fetch.ImageFetcher;
import io.embedstream.preprocess.image.ImageDecoder;
import io.embedstream.preprocess.image.ImagePipeline;
import io.embedstream.preprocess.image.ImagePreprocessor;
import io.embedstream.preprocess.image.ImageSpec;
import io.embedstream.testing.PlainAvro;
import io.embedstream.testing.TestHttpServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link InputHandler} contract for images, against a real HTTP server: {@code decode} starts the fetch and
 * does not wait for it; {@code rows} is where the waiting happens.
 */
class ImageInputHandlerTest {

    private static final ImageSpec SPEC = new ImageSpec(4, 4, 3);

    private final Serializer<ImageReference> serializer = PlainAvro.serializer(ImageReference.class);
    private final TestHttpServer server = new TestHttpServer();
    private final ImageConfig config = ImageConfig.builder().allowHosts(List.of("127.0.0.1")).maxRetries(0).build();
    private final ImageFetcher fetcher = new ImageFetcher(config);
    private final ImageInputHandler handler = new ImageInputHandler(PlainAvro.deserializer(ImageReference.class),
            new ImagePipeline(fetcher, new ImageDecoder(config.maxPixels()), ImagePreprocessor.of(config, SPEC)));

    @AfterEach
    void tearDown() {
        fetcher.close();
        server.close();
    }

    @Test
    void shouldStartTheFetchInDecodeAndWaitForItOnlyInCompleteRow() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        byte[] png = png();
        server.route("/held.png", ex -> {
            release.await(60, TimeUnit.SECONDS); // the server holds the answer until the test lets it go
            TestHttpServer.respond(ex, 200, png);
        });

        float[] rows = new float[2 * SPEC.rowLength()];
        java.util.Arrays.fill(rows, -1f);
        DecodedInput<ImageInputHandler.PendingImage> decoded = handler.decode("in", value("r1", server.url("/held.png")),
                rows, SPEC.rowLength());

        assertThat(decoded.id()).isEqualTo("r1");
        assertThat(decoded.payload().fetch().isDone()).as("decode returned while the server still held the image")
                .isFalse();
        assertThat(rows).as("decode leaves an image row to completeRow").containsOnly(-1f);
        await().atMost(Duration.ofSeconds(30)).until(() -> server.requestCount("/held.png") == 1);
        release.countDown();
        assertThat(handler.completeRow(decoded.payload(), rows, SPEC.rowLength())).isNull();
        assertThat(java.util.Arrays.copyOfRange(rows, 0, SPEC.rowLength())).as("other rows untouched").containsOnly(-1f);
        for (int i = SPEC.rowLength(); i < rows.length; i++) {
            assertThat(rows[i]).as("the image's row, scaled to 0..1: value %d", i).isBetween(0f, 1f);
        }
        assertThat(decoded.payload().fetch().isDone()).isTrue();
    }

    @Test
    void shouldRejectARecordWithNeitherUriNorBytesAsInvalidUriWithoutFetching() {
        assertThatThrownBy(() -> handler.decode("in", value("r2", " "), new float[SPEC.rowLength()], 0))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.INVALID_URI))
                .hasMessageContaining("record r2 has neither a uri nor inline bytes");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void shouldTurnAFailedFetchIntoARecordFailureWithTheFetchReason() {
        float[] rows = new float[SPEC.rowLength()];
        DecodedInput<ImageInputHandler.PendingImage> decoded = handler.decode("in", value("r3", server.url("/gone.png")),
                rows, 0);

        RecordFailure failure = handler.completeRow(decoded.payload(), rows, 0);

        assertThat(failure).isNotNull();
        assertThat(failure.reason()).isEqualTo(FailureReason.NOT_FOUND);
        assertThat(failure.errorClass()).isEqualTo(ImageFailure.class.getName());
        assertThat(failure.message()).contains(server.url("/gone.png")).contains("HTTP 404");
    }

    private byte[] value(String id, String uri) {
        return serializer.serialize("in", ImageReference.newBuilder().setId(id).setUri(uri).build());
    }

    private static byte[] png() throws IOException {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, 8, 8);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
