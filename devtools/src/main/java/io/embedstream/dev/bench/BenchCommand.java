package io.embedstream.dev.bench;

import io.embedstream.dev.bench.e2e.EndToEndBench;
import io.embedstream.dev.bench.e2e.WorkerCommand;
import picocli.CommandLine.Command;

/** {@code embedstream bench}: benchmarks that report ratios against baselines measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks with same-run baselines; prints medians and ratios.",
        subcommands = {LayerBench.class, StreamBench.class, ImageBench.class, EndToEndBench.class,
                WorkerCommand.class})
public final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
