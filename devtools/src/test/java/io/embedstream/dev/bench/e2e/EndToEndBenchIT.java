package io.embedstream.dev.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.dev.DevMain;
import io.embedstream.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code embedstream bench e2e --smoke}, as CI runs it: a sandbox broker and every configuration in JVMs of their
 * own, on the smallest model, few records, one round. It checks that the report and the charts are written and
 * that every figure is a positive number; how fast anything is, is not checked here.
 */
class EndToEndBenchIT {

    private static final String MODEL = "grenade-mlp";

    @TempDir
    Path out;

    @Test
    void shouldWriteTheReportAndChartsWithAPositiveNumberForEveryFigure() throws Exception {
        StringWriter progress = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = DevMain.commandLine().setOut(new PrintWriter(progress)).setErr(new PrintWriter(err))
                .execute("bench", "e2e", "--smoke", "--out", out.toString(), "--models-dir",
                        TestData.root().resolve("models").toString());

        assertThat(exit).as("exit code; progress:%n%s%nstderr:%n%s", progress, err).isZero();
        String report = Files.readString(out.resolve("BENCHMARKS.md"));
        assertThat(report).contains("./embedstream bench e2e --smoke --out ")
                .contains("## The goals of issue 10", "## Throughput", "## Latency at 50% of saturation",
                        "## Batch sizes with 1, 4 and 16 partitions per stream thread", "## Memory per stream thread",
                        "## Warm-up", "## Method", "logical CPUs (`/proc/cpuinfo`)", "Naive peer")
                .doesNotContain("NaN", "Infinity");
        for (String chart : List.of("throughput", "latency", "warmup")) {
            Path png = out.resolve("docs/bench/" + chart + "-" + MODEL + ".png");
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image).as(png.toString()).isNotNull();
            assertThat(image.getWidth()).isEqualTo(900);
            assertThat(image.getHeight()).isEqualTo(560);
            assertThat(report).contains("](docs/bench/" + chart + "-" + MODEL + ".png)");
        }

        JsonNode model = new ObjectMapper().readTree(out.resolve("docs/bench/e2e-results.json").toFile())
                .path("models").path(MODEL);
        List<String> figures = new ArrayList<>();
        collect("", model, figures);
        assertThat(figures).as("figures of %s", MODEL).hasSizeGreaterThan(50);
        for (String figure : figures) {
            String path = figure.substring(0, figure.indexOf('='));
            String value = figure.substring(figure.indexOf('=') + 1);
            assertThat(value).as(path).matches("-?[0-9.Ee+-]+");
            double v = Double.parseDouble(value);
            assertThat(Double.isFinite(v)).as(path + " = " + value).isTrue();
            if (path.startsWith("/batchSizes/") && path.contains("/bucketShares/")) {
                assertThat(v).as(path).isBetween(0.0, 1.0); // a share of batches, 0 for an empty bucket
            } else if (!path.equals("/rssPerExtraThreadMiB")) { // a difference of two RSS readings
                assertThat(v).as(path).isPositive();
            }
        }
        assertThat(model.path("throughput").size()).isEqualTo(6);
        assertThat(model.path("tfRoof").size()).isEqualTo(5);
        assertThat(model.path("latency").size()).isEqualTo(2);
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("batchSizes").fields(); it.hasNext(); ) {
            double sum = 0;
            for (JsonNode share : it.next().getValue().path("bucketShares")) {
                sum += share.asDouble();
            }
            assertThat(sum).isCloseTo(1.0, offset(1e-9));
        }
        assertThat(model.path("batchSizes").size()).isEqualTo(3);
    }

    /** Every leaf under {@code node} as {@code /path=value}, strings included (a NaN is written as a string). */
    private static void collect(String path, JsonNode node, List<String> into) {
        if (node.isContainerNode()) {
            int i = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                collect(path + "/" + e.getKey(), e.getValue(), into);
            }
            if (node.isArray()) {
                for (JsonNode element : node) {
                    collect(path + "/" + i++, element, into);
                }
            }
        } else {
            into.add(path + "=" + node.asText());
        }
    }
}
