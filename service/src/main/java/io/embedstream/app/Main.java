package io.embedstream.app;

import io.embedstream.config.ConfigException;
import io.embedstream.model.ModelException;
import io.embedstream.ops.LogSetup;
import io.embedstream.serde.SchemaRegistryException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code embedstream} command line. Exit codes: 0 success, 1 failure at run time, 2 bad usage or
 * configuration (the message says which key and what is allowed). Failures with a complete message (bad
 * configuration, an unreachable cluster or registry, a model that does not load) are printed as one line,
 * {@code embedstream: <message>}, without a stack trace; with {@code logging.format: json} that line is a log
 * event instead, so that a log shipper sees it.
 */
@Command(name = "embedstream", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Enriches Kafka records with embeddings from a layer of a TensorFlow model.",
        subcommands = {RunCommand.class, InspectCommand.class, EmbedCommand.class})
public final class Main implements Runnable {

    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line without exiting the JVM. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line; tests use it to capture output with {@code setOut}/{@code setErr}. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof ModelException || e instanceof SchemaRegistryException
                    || e instanceof StartupException) {
                if (LogSetup.isJson()) {
                    LoggerFactory.getLogger(Main.class).error("embedstream: {}", e.getMessage());
                } else {
                    cmd.getErr().println("embedstream: " + e.getMessage());
                }
                return e instanceof ConfigException ? EXIT_USAGE : EXIT_FAILURE;
            }
            throw e;
        });
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
