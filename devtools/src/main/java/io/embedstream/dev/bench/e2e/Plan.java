package io.embedstream.dev.bench.e2e;

import java.util.List;

/**
 * What one {@code bench e2e} run measures and how long each part takes.
 *
 * @param models               in the order each round runs them
 * @param rounds               every configuration runs once per round; the report gives medians over rounds
 * @param roofBatches          the TF roof's batch sizes
 * @param roofSeconds          timed seconds per TF roof batch size
 * @param roofMaxWarmupSeconds warm-up limit per TF roof batch size
 * @param loadWarmupSeconds    seconds at the fixed rate before a load run's timed part
 * @param loadSeconds          the timed part of a load run
 * @param loadShare            the load runs' input rate, as a share of embedstream's saturation (max-size 64, 1 thread)
 * @param jitWarmupSeconds     seconds of JIT warm-up passes over the model's input in each worker JVM before its
 *                             measured run ({@link JitWarmup})
 * @param jvmOptions           options of every JVM the bench starts
 * @param command              the command line, for the report
 */
record Plan(List<BenchModel> models, int rounds, List<Integer> roofBatches, double roofSeconds,
        double roofMaxWarmupSeconds, double loadWarmupSeconds, double loadSeconds, double loadShare,
        double jitWarmupSeconds, List<String> jvmOptions, String command) {

    /** Input partitions of the throughput runs: one per stream thread of the 2-thread configurations. */
    static final int THROUGHPUT_PARTITIONS = 2;

    /**
     * Input records beyond the warm-up and timed ones, so that the timed part ends before the input does: the last
     * partial batch of a configuration (which may wait for its linger or poll timeout) is never timed.
     */
    static final int TAIL_RECORDS = 256;
}
