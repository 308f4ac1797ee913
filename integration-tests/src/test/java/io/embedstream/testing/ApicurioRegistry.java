package io.embedstream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry 2.6 (in-memory storage) running as a child process, shared by every test
 * class in the JVM: the first call to {@link #shared()} starts it, a shutdown hook stops it.
 *
 * <p>It runs {@code apicurio-registry-app-*-runner.jar} from the directory in system property
 * {@code apicurio.dir} (Maven sets it to {@code target/apicurio} and unpacks the registry there during
 * {@code generate-test-resources}), with {@code HTTP_PORT} set to a free port. It is ready when
 * {@code /health/ready} answers 200; the global compatibility is then set to BACKWARD (Apicurio's
 * default is NONE). Its output goes to {@code target/apicurio-registry-<port>.log}.
 *
 * <p>A missing directory or jar fails the test with instructions; it never skips.
 */
public final class ApicurioRegistry {
    private static final Logger log = LoggerFactory.getLogger(ApicurioRegistry.class);
    private static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static ApicurioRegistry shared;

    private final Process process;
    private final int port;
    private final Path logFile;

    private ApicurioRegistry(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /** The registry shared by all tests in this JVM, started on first use. */
    public static synchronized ApicurioRegistry shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    /** Root URL, e.g. {@code http://127.0.0.1:40123}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The Confluent-compatible API, {@code <base>/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return baseUrl() + CCOMPAT_PATH;
    }

    /** Where the registry's output goes. */
    public Path logFile() {
        return logFile;
    }

    private static ApicurioRegistry start() {
        Path dir = Paths.get(System.getProperty("apicurio.dir", "target/apicurio")).toAbsolutePath();
        Path jar = findRunnerJar(dir);
        int port = StubHttpServer.freePort();
        Path logFile = dir.getParent().resolve("apicurio-registry-" + port + ".log");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString())
                .directory(jar.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        builder.environment().put("HTTP_PORT", Integer.toString(port));
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Apicurio Registry with " + builder.command(), e);
        }
        ApicurioRegistry registry = new ApicurioRegistry(process, port, logFile);
        Runtime.getRuntime().addShutdownHook(new Thread(registry::stop, "apicurio-registry-stop"));
        registry.awaitReady();
        registry.setGlobalCompatibility("BACKWARD");
        log.info("Apicurio Registry ready at {} after {} ms (log: {})", registry.ccompatUrl(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), logFile);
        return registry;
    }

    private static Path findRunnerJar(Path dir) {
        String hint = " Run `mvn verify` (or `mvn generate-test-resources`) in the project directory: Maven unpacks"
                + " io.apicurio:apicurio-registry-app:zip:all into target/apicurio during generate-test-resources"
                + " and passes its location to the tests as system property apicurio.dir.";
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("Apicurio Registry directory " + dir + " does not exist." + hint);
        }
        try (Stream<Path> files = Files.walk(dir, 3)) {
            Optional<Path> jar = files.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith("apicurio-registry-app-") && name.endsWith("-runner.jar");
            }).findFirst();
            return jar.orElseThrow(() -> new IllegalStateException(
                    "No apicurio-registry-app-*-runner.jar under " + dir + "." + hint));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with code " + process.exitValue()
                        + " before it was ready; its output:\n" + tail());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
            }
            sleep(100);
        }
        stop();
        throw new IllegalStateException("Apicurio Registry was not ready at " + baseUrl() + "/health/ready within "
                + STARTUP_TIMEOUT.toSeconds() + " s; its output:\n" + tail());
    }

    private void setGlobalCompatibility(String level) {
        HttpRequest put = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/config"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                .build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(put, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Setting Apicurio's global compatibility to " + level + " failed: HTTP "
                        + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot set Apicurio's global compatibility", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
        }
    }
}
