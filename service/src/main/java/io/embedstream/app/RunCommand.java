package io.embedstream.app;

import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.ops.LogSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code embedstream run}: the service, until SIGTERM/SIGINT or a fatal error. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the service against a Kafka cluster and a Confluent-compatible schema registry.")
final class RunCommand implements Callable<Integer> {

    /** How long a SIGTERM during start-up waits for start-up to finish before the JVM exits anyway. */
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one configuration key, e.g. --set model.layer=dense (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        AppConfig appConfig = new ConfigLoader().load(config, System.getenv(), overrides);
        LogSetup.apply(appConfig.logging().format());
        // Registered before start-up, so that a SIGTERM while the model loads still ends in a clean stop: the
        // hook waits for start-up to finish (or fail), then drains and closes the service.
        CompletableFuture<EmbedService> started = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(started), "embedstream-shutdown"));
        EmbedService service;
        try {
            service = EmbedService.start(appConfig);
        } catch (RuntimeException e) {
            started.completeExceptionally(e);
            throw e;
        }
        started.complete(service);
        try (service) {
            return service.awaitTermination() ? Main.EXIT_FAILURE : 0;
        }
    }

    private static void stop(CompletableFuture<EmbedService> started) {
        try {
            started.get(STARTUP_WAIT.toSeconds(), TimeUnit.SECONDS).close();
        } catch (ExecutionException e) {
            // start-up failed; main reports it
        } catch (TimeoutException e) {
            LoggerFactory.getLogger(RunCommand.class).warn("Stopping while start-up has not finished after {}",
                    STARTUP_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
