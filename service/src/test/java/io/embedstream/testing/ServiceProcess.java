package io.embedstream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code embedstream run} in a child JVM, with this JVM's classpath, so that a test can kill it with
 * SIGKILL like a crashed container. Output goes to a log file per start. The test owns it and must
 * {@link #kill()} or {@link #stop()} it.
 */
public final class ServiceProcess {

    /** Children still running when the test JVM exits (a test that failed before it stopped them) are killed. */
    private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "service-process-cleanup"));
    }

    private final Process process;
    private final Path log;

    private ServiceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static ServiceProcess start(Path config, Path log, String... extraArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx768m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.embedstream.app.Main");
        command.add("run");
        command.add("--config");
        command.add(config.toString());
        command.add("--set");
        command.add("ops.port=0"); // any free port (a fixed one may be taken); extraArgs may set it again
        command.addAll(List.of(extraArgs));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            RUNNING.add(process);
            process.onExit().thenRun(() -> RUNNING.remove(process));
            return new ServiceProcess(process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the service process", e);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. Waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the service did not stop within 90 s of SIGTERM; see " + log);
        }
        return process.exitValue();
    }

    /** SIGTERM, without waiting: the service drains, commits and leaves its group; see {@link #awaitExit}. */
    public void terminate() {
        process.destroy();
    }

    /**
     * Waits for the process to end.
     *
     * @return its exit code
     * @throws AssertionError if it is still running after {@code timeout} (it is then killed)
     */
    public int awaitExit(java.time.Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the service did not stop within " + timeout + "; see " + log);
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }
}
