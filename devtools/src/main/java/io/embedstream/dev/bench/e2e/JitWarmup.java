package io.embedstream.dev.bench.e2e;

import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms a worker JVM's JIT before the run the bench measures. Each configuration runs in a fresh JVM, and on two
 * cores the C2 compiler needs tens of seconds of steady work before it stops competing with the work itself (the
 * compiler threads took over a third of the CPU in the first seconds of a run). Warm-up records alone would need
 * an input far larger than a run, so the worker instead processes the same input several times before the measured
 * run: each pass is the worker's own processing, as an application of its own (its id plus {@code -jit<n>}, so it
 * reads the input from the start) writing to a scratch topic ({@code <output>.jit}), stopped after
 * {@code recordsPerPass} records or when the time is up. The JIT-compiled code stays in the JVM for the measured run.
 */
final class JitWarmup {

    private static final Logger LOG = LoggerFactory.getLogger(JitWarmup.class);

    /** One pass of a worker's processing, running until closed. */
    interface Pass extends AutoCloseable {
        long processed();
    }

    /** Starts one pass with the given configuration. */
    interface Starter {
        Pass start(AppConfig config) throws Exception;
    }

    private JitWarmup() {}

    /** The scratch output topic of the warm-up passes of a run writing to {@code output}. */
    static String scratchTopic(String output) {
        return output + ".jit";
    }

    static void run(Map<String, String> settings, double seconds, long recordsPerPass, Starter starter)
            throws Exception {
        if (seconds <= 0) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        int pass = 0;
        while (System.nanoTime() < deadline) {
            pass++;
            Map<String, String> passSettings = new LinkedHashMap<>(settings);
            passSettings.put("application-id", settings.get("application-id") + "-jit" + pass);
            passSettings.put("topics.output", scratchTopic(settings.get("topics.output")));
            AppConfig config = new ConfigLoader().load(null, Map.of(), passSettings);
            try (Pass running = starter.start(config)) {
                while (running.processed() < recordsPerPass && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                LOG.info("JIT warm-up pass {}: {} records", pass, running.processed());
            }
        }
        LOG.info("JIT warm-up: {} pass(es) in {} s", pass, String.format("%.1f", (System.nanoTime() - start) / 1e9));
    }
}
