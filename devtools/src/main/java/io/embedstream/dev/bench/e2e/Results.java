package io.embedstream.dev.bench.e2e;

import io.embedstream.dev.bench.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** Everything one {@code bench e2e} run measured, in the order it was measured. Not thread-safe. */
final class Results {

    /** One batch size of the TF roof. */
    record RoofPoint(int batch, double recordsPerSecond, double msPerBatch, double warmupSeconds) {}

    /** The TF roof of one model in one round. */
    record Roof(String model, int round, List<RoofPoint> points) {
        RoofPoint at(int batch) {
            return points.stream().filter(p -> p.batch() == batch).findFirst().orElseThrow();
        }
    }

    /**
     * One throughput run.
     *
     * @param recordsPerSecond    over the timed records
     * @param cpuPer1000          CPU seconds of the run's JVM per 1,000 records, over the timed records
     * @param brokerCpuPer1000    the same for the sandbox broker's JVM (NaN for an external cluster)
     * @param rssBytes            resident memory at the end of the timed records
     * @param peakRssBytes        the most resident memory so far
     * @param meanBatch           records per session.run (NaN without the service's meters)
     * @param inferenceShare      share of the timed wall time spent in session.run, summed over threads (NaN idem)
     * @param jitShare            share of the timed wall time the JIT compiler was busy (all compiler threads)
     * @param warmupSeconds       from the first output to the end of the warm-up records
     * @param lastWarmupRatio     rate of the last warm-up window / timed rate (NaN when the warm-up is shorter than a window)
     * @param halvesRatio         rate of the second half of the timed records / the first half
     * @param windows             per window of records from the first output: {records at its end, rate}
     */
    record Throughput(String model, int round, RunSpec spec, double recordsPerSecond, double cpuPer1000,
            double brokerCpuPer1000, long rssBytes, long peakRssBytes, double meanBatch, double inferenceShare,
            double jitShare, double warmupSeconds, double lastWarmupRatio, double halvesRatio, List<double[]> windows) {

        boolean settled() {
            return within(halvesRatio) && (Double.isNaN(lastWarmupRatio) || within(lastWarmupRatio));
        }

        private static boolean within(double ratio) {
            return Math.abs(ratio - 1) <= 0.10;
        }
    }

    /**
     * One run at a fixed input rate.
     *
     * @param targetPerSecond   the input rate
     * @param outputPerSecond   the output rate measured over the timed part
     * @param latencies         sorted, of the records produced in the timed part
     * @param bucketBounds      upper bounds of the batch-size buckets
     * @param bucketBatches     batches in each bucket (above the previous bound, up to this one) in the timed part
     * @param meanBatch         records per session.run in the timed part
     * @param meanPartitions    input partitions per batch in the timed part
     * @param meanInferenceMs   session.run time per batch in the timed part
     */
    record Load(String model, int round, RunSpec.Load spec, double targetPerSecond, double outputPerSecond,
            OutputMeter.Latencies latencies, double[] bucketBounds, long[] bucketBatches, double meanBatch,
            double meanPartitions, double meanInferenceMs, double cpuPer1000, double jitShare) {}

    /** Facts about a model learned in the run. */
    record ModelFacts(int dimension, long[] rowShape, String tensorflow) {}

    final List<Roof> roofs = new ArrayList<>();
    final List<Throughput> throughputs = new ArrayList<>();
    final List<Load> loads = new ArrayList<>();

    List<Throughput> throughputs(String model, String config) {
        return throughputs.stream().filter(t -> t.model().equals(model) && t.spec().id().equals(config))
                .collect(Collectors.toList());
    }

    List<Load> loads(String model, String config) {
        return loads.stream().filter(l -> l.model().equals(model) && l.spec().id().equals(config))
                .collect(Collectors.toList());
    }

    List<Roof> roofs(String model) {
        return roofs.stream().filter(r -> r.model().equals(model)).collect(Collectors.toList());
    }

    /** The median of a figure over rounds; empty when there is no run. */
    static <T> OptionalDouble median(List<T> runs, ToDoubleFunction<T> figure) {
        double[] values = runs.stream().mapToDouble(figure).filter(v -> !Double.isNaN(v)).toArray();
        return values.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(Stats.median(values));
    }

    /** The median TF roof records/s at this batch size. */
    OptionalDouble roofRate(String model, int batch) {
        return median(roofs(model), r -> r.at(batch).recordsPerSecond());
    }

    /**
     * The TF roof's time for one batch of {@code size} records (ms), interpolated linearly between the measured batch
     * sizes (medians over rounds); beyond them, the nearest one's time per record.
     */
    double batchComputeMs(String model, double size) {
        List<RoofPoint> points = roofs(model).get(0).points();
        double[] sizes = points.stream().mapToDouble(RoofPoint::batch).toArray();
        double[] ms = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            int batch = (int) sizes[i];
            ms[i] = median(roofs(model), r -> r.at(batch).msPerBatch()).orElseThrow();
        }
        if (size <= sizes[0]) {
            return ms[0] * size / sizes[0];
        }
        for (int i = 1; i < sizes.length; i++) {
            if (size <= sizes[i]) {
                double f = (size - sizes[i - 1]) / (sizes[i] - sizes[i - 1]);
                return ms[i - 1] + f * (ms[i] - ms[i - 1]);
            }
        }
        int last = sizes.length - 1;
        return ms[last] * size / sizes[last];
    }
}
