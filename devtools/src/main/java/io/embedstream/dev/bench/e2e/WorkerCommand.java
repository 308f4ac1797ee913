package io.embedstream.dev.bench.e2e;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code embedstream bench e2e-worker}: what {@code bench e2e} runs in the JVMs it starts, one configuration per
 * JVM, so that each one's CPU time and memory can be read from {@code /proc}. Not for direct use (hidden).
 */
@Command(name = "e2e-worker", hidden = true, mixinStandardHelpOptions = true,
        description = "One configuration of `bench e2e` in this JVM (started by `bench e2e`).",
        subcommands = {ServiceWorker.class, PassThroughWorker.class, NaivePeerWorker.class, TfRoofWorker.class})
public final class WorkerCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
