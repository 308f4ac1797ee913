package io.embedstream.preprocess.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ImageConfig;
import io.embedstream.config.ResizeMode;
import io.embedstream.config.Scaling;
import io.embedstream.fetch.ImageFetcher;
import io.embedstream.fetch.ImageRequest;
import io.embedstream.model.FloatBatch;
import io.embedstream.testing.TestData;
import io.embedstream.testing.TestHttpServer;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The 1,000 MNIST PNGs in testdata/data/mnist-sample: exact pixel/255 tensors, the same over http:// and file://. */
class MnistImagesTest {
    private static final ImageSpec MNIST = new ImageSpec(28, 28, 1);

    private static Path images;
    private static List<Path> files;
    private static TestHttpServer server;
    private static ImageFetcher fetcher;
    private static ImagePipeline pipeline;

    @BeforeAll
    static void setUp() throws IOException {
        images = TestData.mnistSample().resolve("images");
        try (Stream<Path> s = Files.list(images)) {
            files = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        assertThat(files).hasSize(1000);
        server = new TestHttpServer();
        for (Path f : files) {
            server.serve("/mnist/" + f.getFileName(), Files.readAllBytes(f));
        }
        ImageConfig config = ImageConfig.builder().roots(List.of(images)).allowHosts(List.of("127.0.0.1"))
                .resize(ResizeMode.STRETCH).scaling(Scaling.UNIT).build();
        fetcher = new ImageFetcher(config);
        pipeline = new ImagePipeline(fetcher, new ImageDecoder(config.maxPixels()), ImagePreprocessor.of(config, MNIST));
    }

    @AfterAll
    static void tearDown() {
        fetcher.close();
        server.close();
    }

    private static List<ImageRequest> fileRequests() {
        List<ImageRequest> out = new ArrayList<>();
        for (Path f : files) {
            out.add(ImageRequest.of(f.getFileName().toString(), f.toUri().toString()));
        }
        return out;
    }

    private static List<ImageRequest> httpRequests() {
        List<ImageRequest> out = new ArrayList<>();
        for (Path f : files) {
            out.add(ImageRequest.of(f.getFileName().toString(), server.url("/mnist/" + f.getFileName())));
        }
        return out;
    }

    @Test
    void shouldTurnEveryMnistPngIntoExactlyPixelOver255() throws IOException {
        List<ImageResult> results = pipeline.process(fileRequests());
        assertThat(results).hasSize(1000).allMatch(ImageResult::ok);
        for (int i = 0; i < files.size(); i++) {
            BufferedImage reference = ImageIO.read(files.get(i).toFile());
            Raster raster = reference.getRaster();
            assertThat(reference.getWidth()).isEqualTo(28);
            assertThat(raster.getNumBands()).isEqualTo(1);
            float[] expected = new float[28 * 28];
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    expected[y * 28 + x] = raster.getSample(x, y, 0) / 255f;
                }
            }
            assertThat(((ImageResult.Ready) results.get(i)).row()).as(files.get(i).toString()).isEqualTo(expected);
        }
        FloatBatch batch = pipeline.batchOf(results);
        assertThat(batch.shape()).containsExactly(1000, 28, 28, 1);
    }

    @Test
    void shouldGiveIdenticalTensorsOverHttpAndFile() {
        List<ImageResult> viaFile = pipeline.process(fileRequests());
        List<ImageResult> viaHttp = pipeline.process(httpRequests());
        assertThat(viaHttp).hasSize(1000).allMatch(ImageResult::ok);
        assertThat(server.requestCount()).isGreaterThanOrEqualTo(1000);
        FloatBatch a = pipeline.batchOf(viaFile);
        FloatBatch b = pipeline.batchOf(viaHttp);
        assertThat(b.shape()).isEqualTo(a.shape());
        assertThat(b.data()).isEqualTo(a.data());
    }
}
