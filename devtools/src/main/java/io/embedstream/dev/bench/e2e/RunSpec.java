package io.embedstream.dev.bench.e2e;

import java.util.List;

/**
 * One configuration of a throughput run, read from the same pre-loaded input as the others.
 *
 * @param id      short, for topic names and tables
 * @param label   for the report
 * @param kind    what runs
 * @param maxSize {@code batching.max-size} (the naive peer's batch)
 * @param threads {@code processing.stream-threads}
 */
record RunSpec(String id, String label, Kind kind, int maxSize, int threads) {

    enum Kind { PASS_THROUGH, SERVICE, NAIVE }

    static final String MAIN = "es-b64-t1";

    /** The throughput configurations, in the order of the first round. */
    static final List<RunSpec> THROUGHPUT = List.of(
            new RunSpec("pass-through", "Kafka pass-through roof", Kind.PASS_THROUGH, 0, 1),
            new RunSpec("es-b1-t1", "embedstream max-size 1, 1 thread", Kind.SERVICE, 1, 1),
            new RunSpec(MAIN, "embedstream max-size 64, 1 thread", Kind.SERVICE, 64, 1),
            new RunSpec("es-b1-t2", "embedstream max-size 1, 2 threads", Kind.SERVICE, 1, 2),
            new RunSpec("es-b64-t2", "embedstream max-size 64, 2 threads", Kind.SERVICE, 64, 2),
            new RunSpec("naive", "naive peer (batch 64, at-least-once)", Kind.NAIVE, 64, 1));

    /**
     * A run at a fixed input rate: embedstream at max-size 64 with one stream thread.
     *
     * @param lingerMs   {@code batching.linger-ms}
     * @param partitions input partitions (all on the one stream thread)
     */
    record Load(String id, int lingerMs, int partitions) {

        /** Latency at linger 50 and 10 ms (1 partition); batch sizes with 1, 4 and 16 partitions (linger 50). */
        static final List<Load> ALL = List.of(
                new Load("l10-p1", 10, 1),
                new Load("l50-p1", 50, 1),
                new Load("l50-p4", 50, 4),
                new Load("l50-p16", 50, 16));

        boolean latency() {
            return partitions == 1;
        }

        boolean batchSizes() {
            return lingerMs == 50;
        }
    }
}
