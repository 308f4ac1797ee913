package io.embedstream.dev.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedstream.dev.bench.Stats;
import io.embedstream.dev.kafka.TempDirs;
import io.embedstream.model.FloatBatch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the plan: round after round, for each model, the TF roof, the throughput configurations (rotated by one
 * place each round) on the model's pre-loaded input, then the fixed-rate runs at a share of the saturation that
 * embedstream (max-size 64, 1 thread) reached so far. Each configuration runs in a JVM of its own. Used by one
 * thread; the caller owns the cluster.
 */
final class E2eRunner {

    private static final Duration STALL = Duration.ofMinutes(3);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Plan plan;
    private final Cluster cluster;
    private final Path work;
    private final PrintWriter progress;
    private final Results results = new Results();
    private final Map<String, Results.ModelFacts> facts = new LinkedHashMap<>();
    private final Map<String, Workload> workloads = new HashMap<>();
    private final long startNanos = System.nanoTime();

    E2eRunner(Plan plan, Cluster cluster, Path work, PrintWriter progress) {
        this.plan = plan;
        this.cluster = cluster;
        this.work = work;
        this.progress = progress;
    }

    Results results() {
        return results;
    }

    Map<String, Results.ModelFacts> facts() {
        return facts;
    }

    /** Runs every round; throws at the first configuration that fails, naming its log. */
    void run() {
        for (int round = 0; round < plan.rounds(); round++) {
            for (BenchModel model : plan.models()) {
                results.roofs.add(roof(model, round));
                Workload workload = workload(model);
                List<RunSpec> order = new ArrayList<>(RunSpec.THROUGHPUT);
                Collections.rotate(order, -round);
                for (RunSpec spec : order) {
                    results.throughputs.add(throughput(model, spec, round));
                }
                double saturation = Results.median(results.throughputs(model.name(), RunSpec.MAIN),
                        Results.Throughput::recordsPerSecond).orElseThrow();
                for (RunSpec.Load load : RunSpec.Load.ALL) {
                    results.loads.add(load(model, load, round, plan.loadShare() * saturation, workload));
                }
            }
        }
    }

    private Results.Roof roof(BenchModel model, int round) {
        String id = appId(model, "tf-roof", round);
        List<String> args = new ArrayList<>(List.of("tf-roof", "--seconds", Double.toString(plan.roofSeconds()),
                "--max-warmup-seconds", Double.toString(plan.roofMaxWarmupSeconds()), "--batch-sizes",
                String.join(",", plan.roofBatches().stream().map(String::valueOf).toList())));
        args.addAll(sets(base(model, id, id + ".in", id + ".out")));
        JsonNode roof;
        try (ChildJvm child = ChildJvm.worker(id, plan.jvmOptions(), args, work.resolve(id + ".log"))) {
            roof = child.await("roof", Duration.ofMinutes(10));
        }
        List<Results.RoofPoint> points = new ArrayList<>();
        for (JsonNode p : roof.get("roofs")) {
            points.add(new Results.RoofPoint(p.get("batch").asInt(), p.get("recordsPerSecond").asDouble(),
                    p.get("msPerBatch").asDouble(), p.get("warmupSeconds").asDouble()));
        }
        long[] rowShape = new long[roof.get("rowShape").size()];
        for (int i = 0; i < rowShape.length; i++) {
            rowShape[i] = roof.get("rowShape").get(i).asLong();
        }
        facts.putIfAbsent(model.name(), new Results.ModelFacts(roof.get("dimension").asInt(), rowShape,
                roof.get("tensorflow").asText()));
        StringBuilder line = new StringBuilder();
        points.forEach(p -> line.append(String.format(" b%d %,.0f", p.batch(), p.recordsPerSecond())));
        report(round, model, "TF roof (records/s):" + line);
        return new Results.Roof(model.name(), round, points);
    }

    /** The model's input, written once (all rounds and configurations read the same records). */
    private Workload workload(BenchModel model) {
        return workloads.computeIfAbsent(model.name(), name -> {
            int rowLength = FloatBatch.rowLengthOf(facts.get(name).rowShape());
            Workload workload = new Workload(cluster.bootstrap(), cluster.registryUrl(), rowLength);
            String input = inputTopic(model);
            cluster.createTopics(Plan.THROUGHPUT_PARTITIONS, input);
            long start = System.nanoTime();
            long count = model.warmup() + model.records() + Plan.TAIL_RECORDS;
            workload.preload(input, Plan.THROUGHPUT_PARTITIONS, count);
            report(0, model, String.format("wrote %,d input records to %s in %.1f s", count, input,
                    (System.nanoTime() - start) / 1e9));
            return workload;
        });
    }

    private Results.Throughput throughput(BenchModel model, RunSpec spec, int round) {
        String id = appId(model, spec.id(), round);
        String output = id + ".out";
        cluster.createTopics(Plan.THROUGHPUT_PARTITIONS, output);
        cluster.createTopics(1, id + ".dlq");
        long warmup = model.warmup();
        long total = warmup + model.records();
        try (OutputMeter meter = OutputMeter.start(cluster.bootstrap(), cluster.registryUrl(), output);
                ChildJvm child = ChildJvm.worker(id, plan.jvmOptions(), workerArgs(model, spec, id, inputTopic(model),
                        output, 50), work.resolve(id + ".log"))) {
            // The timed part runs from the last sample at or below the warm-up count to the first at or above the
            // total, so that it holds at least the timed records even when one commit makes many visible at once.
            Sample start = null;
            Sample end = null;
            long lastCount = -1;
            long lastChange = System.nanoTime();
            while (end == null) {
                pause(child);
                long count = meter.count();
                if (count != lastCount) {
                    lastCount = count;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > STALL.toNanos()) {
                    throw child.failure(String.format("made no progress for %s (%,d of %,d records)", STALL, count, total));
                }
                Sample now = sample(child, meter);
                if (now.count() <= warmup) {
                    start = now;
                } else if (start != null && now.count() >= total) {
                    end = now;
                }
            }
            long rss = child.rssBytes();
            long peakRss = child.peakRssBytes();
            Results.Throughput run = throughputOf(model, spec, round, meter, start, end, rss, peakRss);
            report(round, model, String.format("%s: %,.0f records/s, %.3f CPU-s/1000, RSS %,d MiB%s", spec.label(),
                    run.recordsPerSecond(), run.cpuPer1000(), rss >> 20, run.settled() ? "" : " (not settled)"));
            return run;
        } finally {
            cleanUp(id);
        }
    }

    private Results.Throughput throughputOf(BenchModel model, RunSpec spec, int round, OutputMeter meter, Sample start,
            Sample end, long rss, long peakRss) {
        long warmup = model.warmup();
        long total = warmup + model.records();
        double rate = rate(meter, warmup, total);
        double seconds = (end.nanos() - start.nanos()) / 1e9;
        long records = end.count() - start.count();
        double meanBatch = Double.NaN;
        double inferenceShare = Double.NaN;
        if (spec.kind() == RunSpec.Kind.SERVICE) {
            double batches = end.get("batches") - start.get("batches");
            // When every batch ran before its outputs became visible (tiny runs), the whole run's mean stands in.
            meanBatch = batches > 0 ? (end.get("batchRecords") - start.get("batchRecords")) / batches
                    : end.get("batchRecords") / end.get("batches");
            inferenceShare = (end.get("inferenceSeconds") - start.get("inferenceSeconds")) / seconds;
        }
        long window = Math.max(1, model.records() / 8);
        List<double[]> windows = new ArrayList<>();
        for (long from = 0; from + window <= total; from += window) {
            double r = rate(meter, Math.max(1, from), from + window);
            if (!Double.isNaN(r)) {
                windows.add(new double[] {from + window, r});
            }
        }
        long[] first = meter.reached(1);
        long[] warm = meter.reached(warmup);
        double lastWarmup = warmup >= window ? rate(meter, warmup - window, warmup) / rate : Double.NaN;
        long half = warmup + model.records() / 2;
        double halves = rate(meter, half, total) / rate(meter, warmup, half);
        return new Results.Throughput(model.name(), round, spec, rate, (end.cpu() - start.cpu()) / records * 1000,
                (end.brokerCpu() - start.brokerCpu()) / records * 1000, rss, peakRss, meanBatch, inferenceShare,
                (end.get("jitMs") - start.get("jitMs")) / 1000 / seconds, (warm[0] - first[0]) / 1e9, lastWarmup,
                halves, windows);
    }

    /**
     * Records per second from the last poll at which the output had at most {@code from} records to the first at
     * which it had {@code to} or more.
     */
    private static double rate(OutputMeter meter, long from, long to) {
        long[] a = meter.before(from);
        long[] b = meter.reached(to);
        return b[0] == a[0] ? Double.NaN : (b[1] - a[1]) / ((b[0] - a[0]) / 1e9);
    }

    private Results.Load load(BenchModel model, RunSpec.Load spec, int round, double perSecond, Workload workload) {
        String id = appId(model, spec.id(), round);
        String input = id + ".in";
        String output = id + ".out";
        cluster.createTopics(spec.partitions(), input, output);
        cluster.createTopics(1, id + ".dlq");
        RunSpec service = new RunSpec(spec.id(), spec.id(), RunSpec.Kind.SERVICE, 64, 1);
        try (OutputMeter meter = OutputMeter.start(cluster.bootstrap(), cluster.registryUrl(), output);
                ChildJvm child = ChildJvm.worker(id, plan.jvmOptions(), workerArgs(model, service, id, input, output,
                        spec.lingerMs()), work.resolve(id + ".log"))) {
            child.await("ready", Duration.ofMinutes(3));
            Sample start;
            Sample end;
            long fromMs;
            long toMs;
            long sent;
            try (Workload.Paced producer = workload.paced(input, spec.partitions(), perSecond)) {
                wait(child, producer, plan.loadWarmupSeconds());
                fromMs = System.currentTimeMillis();
                meter.measureLatencyFrom(fromMs);
                start = sample(child, meter);
                wait(child, producer, plan.loadSeconds());
                end = sample(child, meter);
                toMs = System.currentTimeMillis();
                sent = producer.sent();
            }
            long deadline = System.nanoTime() + STALL.toNanos();
            while (meter.count() < sent) {
                pause(child);
                if (System.nanoTime() > deadline) {
                    throw child.failure(String.format("wrote %,d of %,d outputs within %s", meter.count(), sent, STALL));
                }
            }
            Results.Load run = loadOf(model, spec, round, perSecond, meter.latencies(fromMs, toMs), start, end);
            OutputMeter.Latencies l = run.latencies();
            report(round, model, String.format("%s at %,.0f/s: p50 %.0f ms, p99 %.0f ms, mean batch %.1f, %.1f partitions per batch",
                    spec.id(), perSecond, Stats.quantile(l.toEmbedded(), 0.5), Stats.quantile(l.toEmbedded(), 0.99),
                    run.meanBatch(), run.meanPartitions()));
            return run;
        } finally {
            cleanUp(id);
        }
    }

    private Results.Load loadOf(BenchModel model, RunSpec.Load spec, int round, double perSecond,
            OutputMeter.Latencies latencies, Sample start, Sample end) {
        double seconds = (end.nanos() - start.nanos()) / 1e9;
        long records = end.count() - start.count();
        double batches = end.get("batches") - start.get("batches");
        JsonNode from = start.values().get("batchBuckets");
        JsonNode to = end.values().get("batchBuckets");
        double[] bounds = new double[to.size()];
        long[] inBucket = new long[to.size()];
        long below = 0;
        for (int i = 0; i < to.size(); i++) {
            bounds[i] = to.get(i).get("le").asDouble();
            long cumulative = (long) (to.get(i).get("count").asDouble() - from.get(i).get("count").asDouble());
            inBucket[i] = cumulative - below;
            below = cumulative;
        }
        return new Results.Load(model.name(), round, spec, perSecond, records / seconds, latencies, bounds, inBucket,
                (end.get("batchRecords") - start.get("batchRecords")) / batches,
                (end.get("partitionsTotal") - start.get("partitionsTotal"))
                        / (end.get("partitionBatches") - start.get("partitionBatches")),
                (end.get("inferenceSeconds") - start.get("inferenceSeconds")) * 1000 / batches,
                (end.cpu() - start.cpu()) / records * 1000, (end.get("jitMs") - start.get("jitMs")) / 1000 / seconds);
    }

    /** The counters of a run at one moment. */
    private record Sample(long nanos, long count, double cpu, double brokerCpu, JsonNode values) {
        double get(String field) {
            return values.path(field).asDouble();
        }
    }

    private Sample sample(ChildJvm child, OutputMeter meter) {
        JsonNode values = child.snapshot();
        double brokerCpu = cluster.broker().map(ChildJvm::cpuSeconds).orElse(Double.NaN);
        return new Sample(System.nanoTime(), meter.count(), child.cpuSeconds(), brokerCpu, values);
    }

    /** Waits one poll interval; fails when the run's JVM has gone or this thread is interrupted. */
    private static void pause(ChildJvm child) {
        LockSupport.parkNanos(POLL.toNanos());
        if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("interrupted");
        }
        if (!child.isAlive()) {
            throw child.failure("exited before the run was over");
        }
    }

    private static void wait(ChildJvm child, Workload.Paced producer, double seconds) {
        long until = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < until) {
            pause(child);
            producer.sent();
        }
    }

    private List<String> workerArgs(BenchModel model, RunSpec spec, String id, String input, String output, int lingerMs) {
        Map<String, String> config = base(model, id, input, output);
        List<String> args = new ArrayList<>();
        switch (spec.kind()) {
            case SERVICE -> {
                args.add("service");
                config.put("ops.port", "0");
                config.put("kafka.state.dir", work.resolve("state").resolve(id).toString());
                config.put("batching.max-size", Integer.toString(spec.maxSize()));
                config.put("batching.linger-ms", Integer.toString(lingerMs));
                config.put("processing.stream-threads", Integer.toString(spec.threads()));
            }
            case PASS_THROUGH -> {
                Results.ModelFacts f = facts.get(model.name());
                args.addAll(List.of("pass-through", "--dimension", Integer.toString(f.dimension()), "--row-shape",
                        String.join(",", Arrays.stream(f.rowShape()).mapToObj(String::valueOf).toList())));
                config.put("kafka.state.dir", work.resolve("state").resolve(id).toString());
                config.put("processing.stream-threads", Integer.toString(spec.threads()));
            }
            case NAIVE -> args.addAll(List.of("naive", "--batch", Integer.toString(spec.maxSize())));
        }
        args.addAll(sets(config));
        if (plan.jitWarmupSeconds() > 0) {
            // Warm-up passes read the model's preloaded input, also for the fixed-rate runs whose own input is live.
            cluster.createTopics(Plan.THROUGHPUT_PARTITIONS, JitWarmup.scratchTopic(output));
            args.addAll(List.of("--jit-warmup-seconds", Double.toString(plan.jitWarmupSeconds()),
                    "--jit-warmup-records", Long.toString(model.warmup() + model.records()),
                    "--jit-warmup-input", inputTopic(model)));
        }
        return args;
    }

    /** The configuration every JVM of a run gets: topics, cluster, model (the processing guarantee is the default). */
    private Map<String, String> base(BenchModel model, String id, String input, String output) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("application-id", id);
        config.put("topics.input", input);
        config.put("topics.output", output);
        config.put("topics.dead-letter", id + ".dlq");
        config.put("kafka.bootstrap.servers", cluster.bootstrap());
        config.put("registry.url", cluster.registryUrl());
        config.put("model.dir", model.dir().toString());
        config.put("model.layer", model.layer());
        return config;
    }

    private static List<String> sets(Map<String, String> config) {
        List<String> args = new ArrayList<>();
        config.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
        return args;
    }

    private static String appId(BenchModel model, String config, int round) {
        return "e2e-" + model.name() + "-" + config + "-r" + (round + 1);
    }

    private static String inputTopic(BenchModel model) {
        return "e2e-" + model.name() + ".in";
    }

    /** Deletes a run's topics (its own and Kafka Streams' internal ones) and its state folder. */
    private void cleanUp(String id) {
        cluster.deleteTopics(id + ".");
        cluster.deleteTopics(id + "-");
        TempDirs.deleteRecursively(work.resolve("state").resolve(id));
    }

    private void report(int round, BenchModel model, String what) {
        long seconds = (System.nanoTime() - startNanos) / 1_000_000_000;
        progress.printf("[%d:%02d] round %d/%d, %s: %s%n", seconds / 60, seconds % 60, round + 1, plan.rounds(),
                model.name(), what);
        progress.flush();
    }
}
