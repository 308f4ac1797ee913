package io.embedstream.dev.bench.e2e;

import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every worker command takes: the service's configuration keys ({@code --set KEY=VALUE}, as for
 * {@code run}; the environment is ignored, so that a run is what the bench asked for), and its channel to the bench.
 */
final class WorkerOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Configuration keys, as for `run --set`.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--jit-warmup-seconds", defaultValue = "0",
            description = "Seconds of warm-up passes over the input before the measured run (JitWarmup).")
    double jitWarmupSeconds;

    @Option(names = "--jit-warmup-records", defaultValue = "0", description = "Records per warm-up pass.")
    long jitWarmupRecords;

    @Option(names = "--jit-warmup-input", description = "The topic the warm-up passes read (default: the run's input).")
    String jitWarmupInput;

    /** Runs the JIT warm-up passes ({@link JitWarmup}) with this worker's settings. */
    void warmUp(JitWarmup.Starter starter) throws Exception {
        Map<String, String> passSettings = new LinkedHashMap<>(settings);
        if (jitWarmupInput != null) {
            passSettings.put("topics.input", jitWarmupInput);
        }
        JitWarmup.run(passSettings, jitWarmupSeconds, jitWarmupRecords, starter);
    }

    AppConfig config() {
        return new ConfigLoader().load(null, Map.of(), settings);
    }

    WorkerChannel channel() {
        return new WorkerChannel(spec.commandLine().getOut());
    }
}
