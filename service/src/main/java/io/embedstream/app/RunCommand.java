package io.embedstream.app;

import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.ops.LogSetup;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code embedstream run}: the service, until SIGTERM/SIGINT or a fatal error. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the service against a Kafka cluster and a Confluent-compatible schema registry.")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one configuration key, e.g. --set model.layer=dense (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        AppConfig appConfig = new ConfigLoader().load(config, System.getenv(), overrides);
        LogSetup.apply(appConfig.logging().format());
        try (EmbedService service = EmbedService.start(appConfig)) {
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, "embedstream-shutdown"));
            return service.awaitTermination() ? Main.EXIT_FAILURE : 0;
        }
    }
}
