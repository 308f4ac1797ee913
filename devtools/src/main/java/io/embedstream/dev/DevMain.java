package io.embedstream.dev;

import io.embedstream.app.Main;
import io.embedstream.dev.bench.BenchCommand;
import io.embedstream.dev.demo.DemoCommand;
import io.embedstream.dev.sandbox.SandboxCommand;
import picocli.CommandLine;

/**
 * The command line of a checkout ({@code ./embedstream}): every command of the service ({@code run},
 * {@code inspect}, {@code embed}) plus the developer tools {@code demo}, {@code bench} and {@code sandbox}, which need the
 * in-JVM broker and registry and so are not part of the service artifact. Exit codes as {@link Main}.
 */
public final class DevMain {

    private DevMain() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line without exiting the JVM. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The service's command line with {@code demo} and {@code bench} added. */
    public static CommandLine commandLine() {
        return Main.commandLine()
                .addSubcommand("demo", new DemoCommand())
                .addSubcommand("bench", new BenchCommand())
                .addSubcommand("sandbox", new SandboxCommand());
    }
}
