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

    AppConfig config() {
        return new ConfigLoader().load(null, Map.of(), settings);
    }

    WorkerChannel channel() {
        return new WorkerChannel(spec.commandLine().getOut());
    }
}
