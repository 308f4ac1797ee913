package io.embedstream.dev.bench.e2e;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedstream.dev.bench.Stats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * Writes what a {@code bench e2e} run measured: {@code BENCHMARKS.md} (tables, the goals of issue 10 with the
 * ratios measured side by side, the machine, the method) and, under {@code docs/bench/}, the PNG charts and
 * {@code e2e-results.json} (the same figures, for tools and tests). Not thread-safe.
 */
final class BenchmarkReport {

    static final String CHARTS = "docs/bench";
    static final String JSON_FILE = "e2e-results.json";

    /** The goals of issue 10 that name a model. */
    private static final Map<String, Double> ROOF_GOALS = Map.of("mnist-cnn", 0.45, "flowers-cnn", 0.85);
    private static final Map<String, Double> BATCHING_GOALS = Map.of("mnist-cnn", 5.0);
    private static final Map<String, Double> NAIVE_GOALS = Map.of("mnist-cnn", 3.0);
    private static final String LATENCY_RUN_50 = "l50-p1";
    private static final String LATENCY_RUN_10 = "l10-p1";

    /**
     * What the report says about the run itself.
     *
     * @param machine   read at the start
     * @param cluster   {@link Cluster#describe()}
     * @param loadAtEnd the load average when the measurements were over
     */
    record Run(MachineInfo machine, String cluster, ZonedDateTime started, Duration took, String loadAtEnd) {}

    private final Plan plan;
    private final Results results;
    private final Map<String, Results.ModelFacts> facts;
    private final Run run;
    private final StringBuilder md = new StringBuilder();
    private final ObjectNode json = WorkerChannel.JSON.createObjectNode();

    BenchmarkReport(Plan plan, Results results, Map<String, Results.ModelFacts> facts, Run run) {
        this.plan = plan;
        this.results = results;
        this.facts = facts;
        this.run = run;
    }

    /** Writes {@code out/BENCHMARKS.md} and {@code out/docs/bench/*}; returns the files written. */
    List<Path> write(Path out) {
        Path charts = out.resolve(CHARTS);
        List<Path> written = new ArrayList<>();
        header();
        goals();
        throughput(charts, written);
        latency(charts, written);
        batchSizes();
        memory();
        warmup(charts, written);
        method();
        try {
            Files.createDirectories(charts);
            Path report = out.resolve("BENCHMARKS.md");
            Files.writeString(report, md.toString(), StandardCharsets.UTF_8);
            written.add(0, report);
            Path data = charts.resolve(JSON_FILE);
            WorkerChannel.JSON.writerWithDefaultPrettyPrinter().writeValue(data.toFile(), json);
            written.add(data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + out, e);
        }
        return written;
    }

    private void header() {
        String date = run.started().withZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        md.append("# Benchmarks\n\n");
        md.append("Every figure on this page comes from one run of the command below (").append(date).append(", ")
                .append(minutes(run.took())).append("), with the configurations side by side: each round runs every "
                        + "configuration once, and the tables give medians over the rounds. Do not edit the figures by "
                        + "hand; run the command again. How each figure is measured is under [Method](#method).\n\n");
        md.append("```bash\n").append(plan.command()).append("\n```\n\n");
        md.append("| machine | |\n|---|---|\n");
        row("CPU", run.machine().cpu() + ", " + run.machine().logicalCpus() + " logical CPUs (`/proc/cpuinfo`)");
        row("memory", String.format(Locale.ROOT, "%.1f GiB (`/proc/meminfo`)", run.machine().memoryBytes() / (double) (1L << 30)));
        row("OS", run.machine().os());
        row("Java", run.machine().java());
        row("Kafka", run.machine().kafka() + " (clients, Streams; broker in the sandbox)");
        String tf = facts.values().stream().map(Results.ModelFacts::tensorflow).findFirst().orElse("?");
        row("TensorFlow", tf + " (TF Java 1.1.0, CPU)");
        row("cluster", run.cluster());
        row("JVM options of each configuration", plan.jvmOptions().isEmpty() ? "(none)" : "`" + String.join(" ", plan.jvmOptions()) + "`");
        row("load average (1, 5, 15 min)", "at the start " + run.machine().loadAverage() + ", at the end " + run.loadAtEnd());
        md.append('\n');
        ObjectNode m = json.putObject("machine");
        m.put("cpu", run.machine().cpu());
        m.put("logicalCpus", run.machine().logicalCpus());
        m.put("memoryBytes", run.machine().memoryBytes());
        m.put("java", run.machine().java());
        m.put("kafka", run.machine().kafka());
        m.put("tensorflow", tf);
        json.put("date", run.started().toOffsetDateTime().toString());
        json.put("command", plan.command());
        json.put("rounds", plan.rounds());
        json.put("seconds", run.took().toSeconds());
    }

    private void goals() {
        md.append("## The goals of issue 10\n\n");
        md.append("Each ratio is computed per round from configurations measured side by side, then the median is taken "
                + "(the range over rounds in brackets). Goals that the issue sets for one model only are shown for that "
                + "model; the other models' ratios are for comparison.\n\n");
        md.append("| ratio | model | measured | goal | met |\n|---|---|---|---|---|\n");
        for (BenchModel model : plan.models()) {
            String name = model.name();
            ratioRow("embedstream max-size 64 / TF roof at batch 64", name,
                    perRound(name, RunSpec.MAIN, t -> results.roofs(name).get(t.round()).at(64).recordsPerSecond()),
                    ROOF_GOALS.get(name), "roofRatio");
        }
        for (BenchModel model : plan.models()) {
            String name = model.name();
            ratioRow("embedstream max-size 64 / max-size 1 (1 thread)", name,
                    perRound(name, RunSpec.MAIN, t -> other(name, "es-b1-t1", t.round())), BATCHING_GOALS.get(name),
                    "batchingRatio");
        }
        for (BenchModel model : plan.models()) {
            String name = model.name();
            ratioRow("embedstream (max-size 64, 1 thread) / naive peer", name,
                    perRound(name, RunSpec.MAIN, t -> other(name, "naive", t.round())), NAIVE_GOALS.get(name),
                    "naiveRatio");
        }
        for (String run : List.of(LATENCY_RUN_50, LATENCY_RUN_10)) {
            for (BenchModel model : plan.models()) {
                LatencyFigures f = latencyFigures(model.name(), run);
                md.append(String.format(Locale.ROOT, "| latency p99, linger %d ms, at %.0f%% of saturation | %s | %s ms "
                                + "(p50 %s ms) | ≤ %d + 2 × %.1f + 20 = %s ms | %s |%n",
                        f.lingerMs(), plan.loadShare() * 100, model.name(), number(f.p99()), number(f.p50()),
                        f.lingerMs(), f.batchComputeMs(), number(f.goal()), f.p99() <= f.goal() ? "yes" : "**no**"));
            }
        }
        md.append('\n');
    }

    private void ratioRow(String what, String model, double[] perRound, Double goal, String key) {
        double median = Stats.median(perRound);
        md.append(String.format(Locale.ROOT, "| %s | %s | %s (%s–%s) | %s | %s |%n", what, model, ratio(median),
                ratio(Stats.min(perRound)), ratio(Stats.max(perRound)),
                goal == null ? "— (issue: another model)" : "≥ " + ratio(goal),
                goal == null ? "" : median >= goal ? "yes" : "**no**"));
        modelJson(model).withObjectProperty("ratios").put(key, median);
    }

    /** Per round: the run's rate of {@code config} divided by {@code other} of the same round. */
    private double[] perRound(String model, String config, ToDoubleFunction<Results.Throughput> other) {
        return results.throughputs(model, config).stream()
                .mapToDouble(t -> t.recordsPerSecond() / other.applyAsDouble(t)).toArray();
    }

    private double other(String model, String config, int round) {
        return results.throughputs(model, config).stream().filter(t -> t.round() == round).findFirst().orElseThrow()
                .recordsPerSecond();
    }

    private void throughput(Path charts, List<Path> written) {
        md.append("## Throughput\n\n");
        md.append("Records per second of each configuration over its timed records, read back with `read_committed` "
                + "(median, and the range over rounds). CPU-s: the CPU seconds the configuration's JVM (and the broker's, "
                + "when it is the sandbox) used per 1,000 records. RSS: resident memory of the configuration's JVM at "
                + "the end of its timed records. `session.run` busy: the share of wall time in `session.run`, summed "
                + "over stream threads.\n\n");
        for (BenchModel model : plan.models()) {
            String name = model.name();
            md.append("### ").append(name).append(" (`").append(model.layer()).append("`, ").append(model.input())
                    .append(String.format(Locale.ROOT, "; %,d warm-up and %,d timed records per run)%n%n", model.warmup(), model.records()));
            md.append("| configuration | records/s | range | CPU-s / 1,000 records | broker CPU-s / 1,000 | RSS MiB | records per session.run | session.run busy |\n");
            md.append("|---|---|---|---|---|---|---|---|\n");
            ObjectNode node = modelJson(name).putObject("throughput");
            for (RunSpec spec : RunSpec.THROUGHPUT) {
                List<Results.Throughput> runs = results.throughputs(name, spec.id());
                double rate = med(runs, Results.Throughput::recordsPerSecond);
                double cpu = med(runs, Results.Throughput::cpuPer1000);
                double rss = med(runs, t -> t.rssBytes() / (double) (1 << 20));
                md.append(String.format(Locale.ROOT, "| %s | %s | %s–%s | %s | %s | %s | %s | %s |%n", spec.label(),
                        number(rate), number(Stats.min(values(runs, Results.Throughput::recordsPerSecond))),
                        number(Stats.max(values(runs, Results.Throughput::recordsPerSecond))), fixed(cpu, 3),
                        fixed(med(runs, Results.Throughput::brokerCpuPer1000), 3), number(rss),
                        fixed(med(runs, Results.Throughput::meanBatch), 1),
                        percent(med(runs, Results.Throughput::inferenceShare))));
                ObjectNode c = node.putObject(spec.id());
                c.put("recordsPerSecond", rate);
                c.put("cpuSecondsPer1000", cpu);
                c.put("rssMiB", rss);
            }
            md.append("\nTF roof: the `Embedder` alone (one `session.run`, pooling, normalisation) on random rows, "
                    + "in a JVM of its own.\n\n");
            md.append("| batch size | records/s | range | ms per batch |\n|---|---|---|---|\n");
            ObjectNode roof = modelJson(name).putObject("tfRoof");
            for (int batch : plan.roofBatches()) {
                double[] rates = results.roofs(name).stream().mapToDouble(r -> r.at(batch).recordsPerSecond()).toArray();
                double ms = Results.median(results.roofs(name), r -> r.at(batch).msPerBatch()).orElseThrow();
                md.append(String.format(Locale.ROOT, "| %d | %s | %s–%s | %s |%n", batch, number(Stats.median(rates)),
                        number(Stats.min(rates)), number(Stats.max(rates)), fixed(ms, 2)));
                roof.put(Integer.toString(batch), Stats.median(rates));
            }
            String chart = "throughput-" + name + ".png";
            Charts.throughput(charts.resolve(chart), name, results);
            written.add(charts.resolve(chart));
            md.append("\n![").append(name).append(": throughput against batch size](").append(CHARTS).append('/')
                    .append(chart).append(")\n\n");
        }
    }

    /** The latency figures of one fixed-rate run configuration of a model. */
    private record LatencyFigures(int lingerMs, double rate, double p50, double p99, double max, double readP99,
            double meanBatch, double batchComputeMs, double goal, double[] pooled) {}

    private LatencyFigures latencyFigures(String model, String run) {
        List<Results.Load> runs = results.loads(model, run);
        RunSpec.Load spec = runs.get(0).spec();
        double meanBatch = med(runs, Results.Load::meanBatch);
        double compute = results.batchComputeMs(model, meanBatch);
        double[] pooled = runs.stream().flatMapToDouble(l -> Arrays.stream(l.latencies().toEmbedded())).sorted().toArray();
        return new LatencyFigures(spec.lingerMs(), med(runs, Results.Load::targetPerSecond),
                med(runs, l -> Stats.quantile(l.latencies().toEmbedded(), 0.5)),
                med(runs, l -> Stats.quantile(l.latencies().toEmbedded(), 0.99)),
                med(runs, l -> Stats.quantile(l.latencies().toEmbedded(), 1)),
                med(runs, l -> Stats.quantile(l.latencies().toRead(), 0.99)), meanBatch, compute,
                spec.lingerMs() + 2 * compute + 20, pooled);
    }

    private void latency(Path charts, List<Path> written) {
        md.append(String.format(Locale.ROOT, "## Latency at %.0f%% of saturation%n%n", plan.loadShare() * 100));
        md.append(String.format(Locale.ROOT, "embedstream at max-size 64 and 1 stream thread, with records produced at a "
                + "fixed rate of %.0f%% of the throughput that the same configuration reached above (one input "
                + "partition). Latency: from the event time (the input record's timestamp, taken when it is sent) to "
                + "the output's `embeddedAt`, over the records sent in the timed %.0f s; medians over rounds of each "
                + "round's percentiles. Goal: linger + 2 × batch compute + 20 ms, with the batch compute taken from "
                + "the TF roof at the run's mean batch size. The column after the goal adds the exactly-once commit: "
                + "until the output is readable with `read_committed`. CPU-s: the service JVM's CPU seconds per 1,000 "
                + "records at this rate.%n%n", plan.loadShare() * 100, plan.loadSeconds()));
        md.append("| model | linger | records/s | p50 ms | p99 ms | max ms | records per session.run | batch compute ms "
                + "| goal ms | p99 within goal | p99 to `read_committed` ms | CPU-s / 1,000 records |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (BenchModel model : plan.models()) {
            List<String> names = new ArrayList<>();
            List<double[]> samples = new ArrayList<>();
            List<Double> goals = new ArrayList<>();
            ObjectNode node = modelJson(model.name()).putObject("latency");
            for (String run : List.of(LATENCY_RUN_50, LATENCY_RUN_10)) {
                LatencyFigures f = latencyFigures(model.name(), run);
                md.append(String.format(Locale.ROOT, "| %s | %d ms | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        model.name(), f.lingerMs(), number(f.rate()), number(f.p50()), number(f.p99()), number(f.max()),
                        fixed(f.meanBatch(), 1), fixed(f.batchComputeMs(), 2), number(f.goal()),
                        f.p99() <= f.goal() ? "yes" : "**no**", number(f.readP99()),
                        fixed(med(results.loads(model.name(), run), Results.Load::cpuPer1000), 3)));
                names.add("linger " + f.lingerMs() + " ms");
                samples.add(f.pooled());
                goals.add(f.goal());
                ObjectNode r = node.putObject(run);
                r.put("recordsPerSecond", f.rate());
                r.put("p50Ms", f.p50());
                r.put("p99Ms", f.p99());
                r.put("goalMs", f.goal());
                r.put("batchComputeMs", f.batchComputeMs());
            }
            String chart = "latency-" + model.name() + ".png";
            Charts.latency(charts.resolve(chart), model.name(), names, samples, goals);
            written.add(charts.resolve(chart));
            md.append("\n![").append(model.name()).append(": latency CDF](").append(CHARTS).append('/').append(chart)
                    .append(")\n\n");
        }
    }

    private void batchSizes() {
        md.append("## Batch sizes with 1, 4 and 16 partitions per stream thread\n\n");
        md.append("The same fixed rate as the latency runs (linger 50 ms, max-size 64, 1 stream thread), with the input "
                + "spread evenly over 1, 4 or 16 partitions, all on the one stream thread. The records of all its "
                + "partitions share batches, so the sizes should not shrink as partitions grow. From the service's "
                + "`embedstream.batch.size` and `embedstream.batch.partitions` over the timed part (all rounds): the "
                + "share of batches in each size bucket.\n\n");
        List<Results.Load> any = results.loads.stream().filter(l -> l.spec().batchSizes()).toList();
        double[] bounds = any.get(0).bucketBounds();
        int shown = 0;
        while (shown < bounds.length && bounds[shown] <= 64) {
            shown++;
        }
        StringBuilder head = new StringBuilder("| model | partitions | records/s | batches | records per batch | "
                + "partitions per batch |");
        StringBuilder line = new StringBuilder("|---|---|---|---|---|---|");
        for (int i = 0; i < shown; i++) {
            head.append(' ').append(bucketName(bounds, i)).append(" |");
            line.append("---|");
        }
        md.append(head).append('\n').append(line).append('\n');
        for (BenchModel model : plan.models()) {
            ObjectNode node = modelJson(model.name()).putObject("batchSizes");
            for (RunSpec.Load spec : RunSpec.Load.ALL) {
                if (!spec.batchSizes()) {
                    continue;
                }
                List<Results.Load> runs = results.loads(model.name(), spec.id());
                long[] batches = new long[bounds.length];
                runs.forEach(r -> {
                    for (int i = 0; i < batches.length; i++) {
                        batches[i] += r.bucketBatches()[i];
                    }
                });
                long total = Arrays.stream(batches).sum();
                double meanBatch = med(runs, Results.Load::meanBatch);
                double meanPartitions = med(runs, Results.Load::meanPartitions);
                md.append(String.format(Locale.ROOT, "| %s | %d | %s | %,d | %s | %s |", model.name(), spec.partitions(),
                        number(med(runs, Results.Load::outputPerSecond)), total, fixed(meanBatch, 1),
                        fixed(meanPartitions, 2)));
                ObjectNode r = node.putObject(spec.id());
                r.put("partitions", spec.partitions());
                r.put("meanBatch", meanBatch);
                r.put("meanPartitions", meanPartitions);
                ArrayNode shares = r.putArray("bucketShares");
                for (int i = 0; i < bounds.length; i++) {
                    double share = total == 0 ? 0 : batches[i] / (double) total;
                    shares.add(share);
                    if (i < shown) {
                        md.append(' ').append(percent(share)).append(" |");
                    }
                }
                md.append('\n');
            }
        }
        md.append('\n');
    }

    private static String bucketName(double[] bounds, int i) {
        long high = (long) bounds[i];
        long low = i == 0 ? 1 : (long) bounds[i - 1] + 1;
        return low == high ? Long.toString(high) : low + "–" + high;
    }

    private void memory() {
        md.append("## Memory per stream thread\n\n");
        md.append("Resident memory (RSS) of the embedstream JVM at the end of its timed records, with 1 and 2 stream "
                + "threads (each thread has its own TensorFlow session); the extra thread's cost is the per-round "
                + "difference, median over rounds.\n\n");
        md.append("| model | max-size | RSS, 1 thread MiB | RSS, 2 threads MiB | per extra thread MiB | peak RSS, 2 threads MiB |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (BenchModel model : plan.models()) {
            String name = model.name();
            for (int maxSize : List.of(1, 64)) {
                List<Results.Throughput> one = results.throughputs(name, "es-b" + maxSize + "-t1");
                List<Results.Throughput> two = results.throughputs(name, "es-b" + maxSize + "-t2");
                double[] extra = new double[Math.min(one.size(), two.size())];
                for (int i = 0; i < extra.length; i++) {
                    extra[i] = (two.get(i).rssBytes() - one.get(i).rssBytes()) / (double) (1 << 20);
                }
                md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s |%n", name, maxSize,
                        number(med(one, t -> t.rssBytes() / (double) (1 << 20))),
                        number(med(two, t -> t.rssBytes() / (double) (1 << 20))), number(Stats.median(extra)),
                        number(med(two, t -> t.peakRssBytes() / (double) (1 << 20)))));
                if (maxSize == 64) {
                    modelJson(name).put("rssPerExtraThreadMiB", Stats.median(extra));
                }
            }
        }
        md.append('\n');
    }

    private void warmup(Path charts, List<Path> written) {
        md.append("## Warm-up\n\n");
        md.append(String.format(Locale.ROOT, "Each configuration runs in a fresh JVM, so each needs its own warm-up. "
                + "On two cores the C2 compiler needs tens of seconds of steady work before it stops competing with "
                + "the work itself: in a probe with a few seconds of warm-up, its threads took more than a third of "
                + "the CPU while the records were timed, and the service ran at 60%% of the rate it reached once "
                + "compiled. So every worker JVM first processes the model's input in passes of its own (each a "
                + "separate application writing to a scratch topic) for %.0f s (`--jit-warmup-seconds`), and then, "
                + "in the measured run, its first records are not timed either. ", plan.jitWarmupSeconds()));
        md.append("The chart shows, for round 1, the output rate per window of one eighth of the timed records "
                + "from the first output on. A run counts as settled when the rate of its last warm-up window and the "
                + "rates of the two halves of its timed records agree within ±10%; the JIT column is the JVM's compile "
                + "time during the timed records as a share of their wall time, summed over its compiler threads (C2 "
                + "still compiling shows here; it can exceed 100%). A configuration "
                + "that does not settle needs a larger `--warmup` for that model.\n\n");
        md.append("| model | configuration | warm-up s | last warm-up window / timed rate | 2nd / 1st half of timed | JIT busy | settled runs |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (BenchModel model : plan.models()) {
            List<Charts.Line> lines = new ArrayList<>();
            for (RunSpec spec : RunSpec.THROUGHPUT) {
                List<Results.Throughput> runs = results.throughputs(model.name(), spec.id());
                long settled = runs.stream().filter(Results.Throughput::settled).count();
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d of %d |%n", model.name(),
                        spec.label(), fixed(med(runs, Results.Throughput::warmupSeconds), 1),
                        fixed(med(runs, Results.Throughput::lastWarmupRatio), 2),
                        fixed(med(runs, Results.Throughput::halvesRatio), 2),
                        percent(med(runs, Results.Throughput::jitShare)), settled, runs.size()));
                lines.add(new Charts.Line(spec.label(), runs.get(0).windows().toArray(double[][]::new), true, true,
                        spec.threads() == 2));
            }
            String chart = "warmup-" + model.name() + ".png";
            Charts.warmup(charts.resolve(chart), model.name(), lines, model.warmup());
            written.add(charts.resolve(chart));
        }
        md.append(String.format(Locale.ROOT, "%nThe fixed-rate runs warm up for %.0f s at their rate before the timed "
                + "part; the JIT's share of the timed part's wall time shows whether that was enough:%n%n",
                plan.loadWarmupSeconds()));
        md.append("| model | run | JIT busy in the timed part |\n|---|---|---|\n");
        for (BenchModel model : plan.models()) {
            for (RunSpec.Load spec : RunSpec.Load.ALL) {
                md.append(String.format(Locale.ROOT, "| %s | linger %d ms, %d partition(s) | %s |%n", model.name(),
                        spec.lingerMs(), spec.partitions(),
                        percent(med(results.loads(model.name(), spec.id()), Results.Load::jitShare))));
            }
        }
        md.append('\n');
        for (BenchModel model : plan.models()) {
            md.append("![").append(model.name()).append(": warm-up](").append(CHARTS).append("/warmup-")
                    .append(model.name()).append(".png)\n");
        }
        md.append('\n');
    }

    private void method() {
        md.append("## Method\n\n");
        md.append("- **Cluster.** ").append(run.cluster()).append(". The bench JVM creates the topics, writes the input "
                + "and reads the output; every configuration runs in a JVM of its own (`embedstream bench e2e-worker`, "
                + "with the devtools class path, `TF_OVERRIDE_GLOBAL_THREADPOOL=1` and `TF_CPP_MIN_LOG_LEVEL=1` as the "
                + "launcher sets them), so that its CPU time (`/proc/<pid>/stat`, user + system, all threads) and "
                + "resident memory (`/proc/<pid>/status`, `VmRSS`) count it alone.\n");
        md.append(String.format(Locale.ROOT, "- **Input.** Per model, one topic with %d partitions holds the warm-up "
                + "and timed `FeatureRecord`s plus %d more, so that no configuration's last partial batch is timed "
                + "(random values in [0, 1), Avro in the Confluent wire format through the real registry client). It "
                + "is written before any configuration starts; every throughput run reads it from the beginning with "
                + "an application id (or group id) of its own and writes to an output topic of its own with as many "
                + "partitions.%n", Plan.THROUGHPUT_PARTITIONS, Plan.TAIL_RECORDS));
        md.append("- **Timing.** The bench reads the output with `read_committed` from the beginning and notes the "
                + "time of every poll that returned records. Throughput = timed records / time between the polls at "
                + "which the output first reached the warm-up count and warm-up + timed count. CPU and memory are "
                + "read at those two moments.\n");
        md.append(String.format(Locale.ROOT, "- **Rounds.** %d round(s); each runs every configuration of every model "
                + "once, the throughput configurations in an order that rotates by one place per round. Medians over "
                + "rounds; every ratio is computed within a round, then its median taken.%n", plan.rounds()));
        md.append(String.format(Locale.ROOT, "- **TF roof.** The Kafka-free `Embedder` (one `session.run`, then pooling "
                + "and normalisation, as in the service) with the service's model settings for one stream thread "
                + "(one session, intra-op threads = all cores), on random rows. Per batch size it warms up until two "
                + "successive 0.5 s windows agree within ±10%% (at most %.0f s), then times whole batches for %.1f s.%n",
                plan.roofMaxWarmupSeconds(), plan.roofSeconds()));
        md.append("- **Kafka pass-through roof.** A minimal Kafka Streams app with the service's Kafka Streams settings "
                + "(`exactly_once_v2`, one stream thread, the same poll, fetch and producer batch sizes) that decodes each "
                + "`FeatureRecord` with the service's decoder and writes an `EnrichedRecord` of the model's embedding "
                + "dimension (zeros) with the service's writer and registry client: no model, no buffer.\n");
        md.append("- **embedstream.** `EmbedService` as `embedstream run` starts it, from the same configuration keys, "
                + "with only `batching.max-size`, `batching.linger-ms` (50 ms in the throughput runs, the default), "
                + "`processing.stream-threads` and the state directory set; everything else is the default "
                + "(`exactly_once_v2`, `batching.max-in-flight` 4, one session per stream thread, intra-op threads = "
                + "cores / stream threads).\n");
        md.append("- **Naive peer.** Issue 10 compares with a 60-line Python consumer (confluent-kafka, fastavro and "
                + "TensorFlow, batch 64, at-least-once). The build machine's TensorFlow Python wheel may only be used to "
                + "generate test fixtures, so its Java equivalent stands in: one thread takes 64 records from a "
                + "`KafkaConsumer` (fewer when the first has waited 1 s, as confluent-kafka's `consume(num_messages=64, "
                + "timeout=1.0)`), decodes them, runs them in one batch through the same "
                + "`Embedder`, produces the `EnrichedRecord`s (`KafkaProducer`, Kafka's defaults), waits for the acks, "
                + "commits their offsets (`commitSync`), then takes the next batch: one thread, no pipelining, no "
                + "transactions. It decodes and encodes with the service's own code and calls TensorFlow through the "
                + "same Java API, so it differs from embedstream only in how it moves records; whatever Python itself "
                + "would add per record is not counted, which makes the ratio against it conservative.\n");
        md.append(String.format(Locale.ROOT, "- **Fixed-rate runs.** For latency and batch sizes the bench sends records "
                + "at %.0f%% of the median throughput that embedstream (max-size 64, 1 thread) reached so far for the "
                + "model, round-robin over the input partitions, from a thread of its own with `linger.ms` 0; each "
                + "record carries its send time as event time (`FeatureRecord.eventTime` and the record timestamp). "
                + "The service starts first; the timed part begins %.0f s after the rate starts and lasts %.0f s; "
                + "every record sent is awaited before the run ends. Batch sizes and partitions per batch come from "
                + "the service's histograms `embedstream.batch.size` (buckets at powers of two) and "
                + "`embedstream.batch.partitions`, subtracted between the start and the end of the timed part.%n",
                plan.loadShare() * 100, plan.loadWarmupSeconds(), plan.loadSeconds()));
        md.append(String.format(Locale.ROOT, "- **Warm-up.** See [Warm-up](#warm-up): %.0f s of JIT warm-up passes in "
                + "each worker JVM (`--jit-warmup-seconds`), then the first records of the measured run (`--warmup`, "
                + "per model); every run reports whether it had settled.%n", plan.jitWarmupSeconds()));
    }

    private ObjectNode modelJson(String model) {
        return json.withObjectProperty("models").withObjectProperty(model);
    }

    private void row(String key, String value) {
        md.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }

    private static <T> double med(List<T> runs, ToDoubleFunction<T> figure) {
        OptionalDouble m = Results.median(runs, figure);
        return m.isPresent() ? m.getAsDouble() : Double.NaN;
    }

    private static <T> double[] values(List<T> runs, ToDoubleFunction<T> figure) {
        return runs.stream().mapToDouble(figure).toArray();
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "—" : v >= 1 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.2g", v);
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.0f%%", v * 100);
    }

    private static String minutes(Duration d) {
        return String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart());
    }
}
