package io.embedstream.dev.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM that {@code bench e2e} starts: {@code io.embedstream.dev.DevMain} with this JVM's class path, its own JVM
 * options and TensorFlow's environment as the launcher sets it. Its stdout and stderr go to a log file, except
 * protocol lines ({@link WorkerChannel}, or what the given filter picks), which the bench reads. CPU time and
 * resident memory come from the kernel ({@code /proc/<pid>}), so they count this JVM alone.
 *
 * <p>The bench owns it and closes it: close ends a worker's stdin (it stops), or sends SIGTERM to any other JVM;
 * one that has not stopped within a minute gets SIGTERM, then SIGKILL.
 * Used by one thread.
 */
final class ChildJvm implements AutoCloseable {

    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final String label;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> early = new ArrayList<>();
    private final Thread reader;
    private final Path log;
    private final boolean stopsAtEndOfInput;

    private ChildJvm(String label, Process process, Path log, Predicate<String> protocol, boolean stopsAtEndOfInput) {
        this.label = label;
        this.stopsAtEndOfInput = stopsAtEndOfInput;
        this.process = process;
        this.log = log;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.reader = new Thread(() -> pump(protocol), "e2e-child-" + label);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * Starts {@code DevMain args...} in a new JVM; closing it sends SIGTERM.
     *
     * @param jvmOptions e.g. {@code -Xmx2g}
     * @param protocol   which output lines the bench reads (the others go to the log only)
     */
    static ChildJvm start(String label, List<String> jvmOptions, List<String> args, Path log,
            Predicate<String> protocol) {
        return start(label, jvmOptions, args, log, protocol, false);
    }

    private static ChildJvm start(String label, List<String> jvmOptions, List<String> args, Path log,
            Predicate<String> protocol, boolean stopsAtEndOfInput) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        String javacppCache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (javacppCache != null) {
            command.add("-Dorg.bytedeco.javacpp.cachedir=" + javacppCache);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.embedstream.dev.DevMain");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        // As the ./embedstream launcher: one intra-op pool per session, and TensorFlow's INFO lines off.
        env.putIfAbsent("TF_OVERRIDE_GLOBAL_THREADPOOL", "1");
        env.putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "1");
        try {
            Files.writeString(log, String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8);
            return new ChildJvm(label, builder.start(), log, protocol, stopsAtEndOfInput);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the JVM for " + label, e);
        }
    }

    /** Starts a worker ({@code bench e2e-worker KIND args...}), whose protocol lines start with the prefix. */
    static ChildJvm worker(String label, List<String> jvmOptions, List<String> workerArgs, Path log) {
        List<String> args = new ArrayList<>(List.of("bench", "e2e-worker"));
        args.addAll(workerArgs);
        return start(label, jvmOptions, args, log, line -> line.startsWith(WorkerChannel.PREFIX), true);
    }

    private void pump(Predicate<String> protocol) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
                Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
            String line;
            while ((line = out.readLine()) != null) {
                if (protocol.test(line)) {
                    lines.add(line);
                }
                file.write(line);
                file.write(System.lineSeparator());
                file.flush();
            }
        } catch (IOException e) {
            // the process is gone; await() reports it
        }
    }

    /** The next protocol line, raw; waits up to {@code timeout}. */
    String awaitLine(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    return line;
                }
                if (!process.isAlive() && lines.isEmpty() && !reader.isAlive()) {
                    throw failure("exited with status " + process.exitValue());
                }
                if (System.nanoTime() > deadline) {
                    throw failure("sent nothing within " + timeout);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + label, e);
        }
    }

    /** Waits for the worker's next message of this kind and returns its values; other kinds wait for their turn. */
    JsonNode await(String kind, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String prefix = WorkerChannel.PREFIX + kind + " ";
        String line = early.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
        if (line != null) {
            early.remove(line);
        }
        while (line == null) {
            String next = awaitLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (next.startsWith(prefix)) {
                line = next;
            } else {
                early.add(next);
            }
        }
        try {
            return WorkerChannel.JSON.readTree(line.substring(prefix.length()));
        } catch (IOException e) {
            throw failure("sent an unreadable message: " + line);
        }
    }

    /** Asks the worker for its counters. */
    JsonNode snapshot() {
        send("snapshot");
        JsonNode values = await("snapshot", Duration.ofSeconds(60));
        if (values.path("failed").asBoolean()) {
            throw failure("reports a failure");
        }
        return values;
    }

    private void send(String request) {
        try {
            stdin.write(request);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw failure("does not take requests (" + e.getMessage() + ")");
        }
    }

    /** CPU seconds (user + system, all threads) the JVM has used so far. */
    double cpuSeconds() {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9)
                .orElseThrow(() -> failure("has no CPU time in /proc"));
    }

    /** Resident memory now ({@code VmRSS}) in bytes. */
    long rssBytes() {
        return status("VmRSS:");
    }

    /** The most resident memory so far ({@code VmHWM}) in bytes. */
    long peakRssBytes() {
        return status("VmHWM:");
    }

    private long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").strip()) * 1024;
                }
            }
            throw failure("has no " + field + " in /proc/" + process.pid() + "/status");
        } catch (IOException e) {
            throw failure("cannot be read in /proc (" + e.getMessage() + ")");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** An exception that names this JVM, what went wrong, and the end of its log. */
    IllegalStateException failure(String what) {
        List<String> tail = List.of();
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            tail = all.subList(Math.max(0, all.size() - 15), all.size());
        } catch (IOException | UncheckedIOException e) {
            // no log to quote
        }
        return new IllegalStateException(label + " " + what + "; log " + log + ":\n  " + String.join("\n  ", tail));
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!stopsAtEndOfInput || !process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
                }
            }
            reader.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
