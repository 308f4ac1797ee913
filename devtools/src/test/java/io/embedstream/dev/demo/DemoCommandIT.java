package io.embedstream.dev.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.dev.DevMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: {@code embedstream demo} runs end to end in this JVM and exits 0. */
class DemoCommandIT {

    @TempDir
    Path cache;

    @Test
    void shouldRunTheDemoEndToEndAndPrintTheSummary() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = DevMain.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("demo", "--records", "200", "--cache-dir", cache.toString());

        String text = out.toString();
        assertThat(exit).as("exit code; stderr: %s", err).isZero();
        assertThat(text).contains("produced    200 sample records")
                .contains("enriched    200 records -> demo-embeddings")
                .contains("dead-letter 3 records -> demo-images.dlq {NON_FINITE=1, UNDECODABLE=1, WRONG_DIMENSION=1}")
                .contains("embeddings  dimension 128, L2 norm min 1.000000 max 1.000000")
                .contains("nearest neighbours of sample-0000 (class 0):")
                .containsPattern("ops         http://127\\.0\\.0\\.1:\\d+/metrics \\(Prometheus\\)")
                .containsPattern("metrics     http://127\\.0\\.0\\.1:\\d+/metrics: received 203, enriched 200, "
                        + "dead-lettered 3, \\d+ batches");
        Matcher agreement = Pattern.compile("1-NN class agreement (\\d\\.\\d+)").matcher(text);
        assertThat(agreement.find()).isTrue();
        assertThat(Double.parseDouble(agreement.group(1))).as("look-alike samples are neighbours").isGreaterThan(0.9);
        assertThat(cache.resolve("demo-model").resolve("saved_model.pb")).exists();
    }
}
