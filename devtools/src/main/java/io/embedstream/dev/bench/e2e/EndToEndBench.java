package io.embedstream.dev.bench.e2e;

import io.embedstream.dev.kafka.TempDirs;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code embedstream bench e2e}: the end-to-end benchmark of issue 10. Side by side in one run, for each model: the
 * TF roof (the {@code Embedder} alone) per batch size, a Kafka pass-through roof, embedstream at max-size 1 and 64
 * with 1 and 2 stream threads, and a naive consumer loop; then latency and batch sizes at a fixed share of
 * embedstream's saturation. Every configuration runs in a JVM of its own against a broker in a JVM of its own (or
 * an external cluster). Writes {@code BENCHMARKS.md} and charts under {@code docs/bench/}.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"End-to-end benchmark (issue 10): TF roof, Kafka pass-through roof, embedstream and a naive peer "
                + "side by side; latency, CPU, memory, batch sizes. Writes BENCHMARKS.md and docs/bench/*.png.",
                "The default run takes roughly 40 minutes on 2 cores; run it alone on the machine."})
public final class EndToEndBench implements Callable<Integer> {

    private static final List<String> DEFAULT_MODELS = List.of("mnist-cnn", "flowers-cnn", "grenade-mlp");

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = false, heading = "An external cluster instead of `embedstream sandbox` in a JVM of its own:%n")
    ExternalCluster external;

    /** {@code --bootstrap} and {@code --registry}: both or neither. */
    static final class ExternalCluster {
        @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
        String bootstrap;

        @Option(names = "--registry", required = true, paramLabel = "URL", description = "Its schema registry.")
        String registry;
    }

    @Option(names = "--models", split = ",", paramLabel = "NAME",
            description = "Models under --models-dir (default: mnist-cnn,flowers-cnn,grenade-mlp; --smoke: grenade-mlp).")
    List<String> models;

    @Option(names = "--models-dir", defaultValue = "testdata/models", paramLabel = "DIR",
            description = "Where the models are (default: ${DEFAULT-VALUE}).")
    Path modelsDir;

    @Option(names = "--records", split = ",", paramLabel = "[MODEL=]N", description = "Timed records per run, for "
            + "all models or one (default: mnist-cnn=12000, flowers-cnn=1024, grenade-mlp=20000; --smoke: 300).")
    List<String> records = List.of();

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds; medians over them (default: 3; --smoke: 1).")
    Integer rounds;

    @Option(names = "--warmup", split = ",", paramLabel = "[MODEL=]N",
            description = "Records each run processes before its timed records, for all models or one (default: "
                    + "mnist-cnn=8000, flowers-cnn=384, grenade-mlp=10000; --smoke: 200). See BENCHMARKS.md, "
                    + "Warm-up, for whether they were enough.")
    List<String> warmup = List.of();

    @Option(names = "--load-seconds", split = ",", paramLabel = "WARMUP,TIMED", hideParamSyntax = true,
            description = "Seconds of each fixed-rate run before and in its timed part (default: 40,12, long enough for "
                    + "the JIT to finish compiling at the fixed rate; --smoke: 2,3).")
    List<Double> loadSeconds;

    @Option(names = "--jit-warmup-seconds", paramLabel = "S",
            description = "Seconds each worker JVM processes the model's input in warm-up passes before its measured "
                    + "run, so that the JIT has settled (default: 25; --smoke: 0). See BENCHMARKS.md, Warm-up.")
    Double jitWarmupSeconds;

    @Option(names = "--roof-seconds", paramLabel = "S",
            description = "Timed seconds per TF roof batch size (default: 3; --smoke: 0.3).")
    Double roofSeconds;

    @Option(names = "--jvm-options", paramLabel = "OPTIONS",
            description = "Options of every JVM the bench starts (default: \"-Xmx2g\"; --smoke: \"-Xmx512m\").")
    String jvmOptions;

    @Option(names = "--out", defaultValue = ".", paramLabel = "DIR",
            description = "Where BENCHMARKS.md and docs/bench/ are written (default: the current directory).")
    Path out;

    @Option(names = "--smoke", description = "A tiny run for CI: one small model, few records, one round.")
    boolean smoke;

    @Override
    public Integer call() throws Exception {
        PrintWriter progress = spec.commandLine().getOut();
        Plan plan = plan();
        Path work = TempDirs.create("embedstream-e2e-");
        progress.printf("bench e2e: %s, %d round(s); logs in %s%n",
                String.join(", ", plan.models().stream().map(BenchModel::name).toList()), plan.rounds(), work);
        progress.flush();
        ZonedDateTime started = ZonedDateTime.now();
        long start = System.nanoTime();
        MachineInfo machine = MachineInfo.read();
        try (Cluster cluster = external != null ? Cluster.external(external.bootstrap, external.registry)
                : Cluster.sandbox(plan.jvmOptions(), work.resolve("sandbox.log"))) {
            E2eRunner runner = new E2eRunner(plan, cluster, work, progress);
            runner.run();
            BenchmarkReport.Run run = new BenchmarkReport.Run(machine, cluster.describe(), started,
                    Duration.ofNanos(System.nanoTime() - start), MachineInfo.currentLoadAverage());
            List<Path> written = new BenchmarkReport(plan, runner.results(), runner.facts(), run).write(out);
            written.forEach(p -> progress.printf("wrote %s%n", p));
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(EndToEndBench.class).error("bench e2e failed", e);
            spec.commandLine().getErr().printf("bench e2e failed: %s%n(logs of every JVM are kept in %s)%n",
                    e.getMessage() != null ? e.getMessage() : e.toString(), work);
            spec.commandLine().getErr().flush();
            return 1;
        }
        TempDirs.deleteRecursively(work);
        progress.printf("took %d min %02d s%n", Duration.ofNanos(System.nanoTime() - start).toMinutes(),
                Duration.ofNanos(System.nanoTime() - start).toSecondsPart());
        progress.flush();
        return 0;
    }

    private Plan plan() {
        Map<String, Long> timed = perModel("--records", records);
        Map<String, Long> warm = perModel("--warmup", warmup);
        List<BenchModel> chosen = new ArrayList<>();
        for (String name : models != null ? models : smoke ? List.of("grenade-mlp") : DEFAULT_MODELS) {
            BenchModel.Known known = BenchModel.known(name).orElseThrow(() -> usage("--models: '" + name
                    + "' is not a known model; allowed: " + String.join(", ", DEFAULT_MODELS)));
            Path dir = modelsDir.resolve(name).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw usage("--models-dir: " + dir + " does not exist; run from the repository root or pass "
                        + "--models-dir <checkout>/testdata/models");
            }
            chosen.add(new BenchModel(name, dir, known.layer(),
                    warm.getOrDefault(name, warm.getOrDefault("", smoke ? 200 : known.warmup())),
                    timed.getOrDefault(name, timed.getOrDefault("", smoke ? 300 : known.records())), known.input()));
        }
        int n = rounds != null ? rounds : smoke ? 1 : 3;
        if (n < 1) {
            throw usage("--rounds: '" + n + "' is not valid; allowed: 1 or more");
        }
        List<Double> load = loadSeconds != null ? loadSeconds : smoke ? List.of(2.0, 3.0) : List.of(40.0, 12.0);
        if (load.size() != 2) {
            throw usage("--load-seconds: '" + load + "' is not valid; allowed: two numbers, WARMUP,TIMED, e.g. 10,15");
        }
        String options = jvmOptions != null ? jvmOptions : smoke ? "-Xmx512m" : "-Xmx2g";
        return new Plan(chosen, n, List.of(1, 8, 32, 64, 128), positive("--roof-seconds", roofSeconds, smoke ? 0.3 : 3),
                smoke ? 1 : 20, positive("--load-seconds", load.get(0), 0), positive("--load-seconds", load.get(1), 0), 0.5,
                jitWarmupSeconds != null ? jitWarmupSeconds : smoke ? 0 : 25,
                options.isBlank() ? List.of() : Arrays.asList(options.strip().split("\\s+")), command());
    }

    /** {@code N} (key "") or {@code MODEL=N} values. */
    private Map<String, Long> perModel(String option, List<String> values) {
        Map<String, Long> byModel = new HashMap<>();
        for (String value : values) {
            int eq = value.indexOf('=');
            String model = eq < 0 ? "" : value.substring(0, eq).strip();
            try {
                long n = Long.parseLong(value.substring(eq + 1).strip());
                if (n < (option.equals("--warmup") ? 0 : 1)) {
                    throw new NumberFormatException();
                }
                byModel.put(model, n);
            } catch (NumberFormatException e) {
                throw usage(option + ": '" + value + "' is not valid; allowed: a count (N) or MODEL=N, e.g. mnist-cnn=12000"
                        + (option.equals("--warmup") ? " (0 or more)" : " (1 or more)"));
            }
        }
        return byModel;
    }

    private double positive(String option, Double value, double fallback) {
        double v = value != null ? value : fallback;
        if (!(v > 0)) {
            throw usage(option + ": '" + v + "' is not valid; allowed: more than 0 seconds");
        }
        return v;
    }

    private String command() {
        StringBuilder line = new StringBuilder("./embedstream bench e2e");
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        int e2e = all.indexOf(spec.name());
        for (String arg : all.subList(e2e + 1, all.size())) {
            line.append(' ').append(arg.matches("[A-Za-z0-9_./:=,@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
