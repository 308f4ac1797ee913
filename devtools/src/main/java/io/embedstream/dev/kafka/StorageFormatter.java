package io.embedstream.dev.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Formats a KRaft log directory, as {@code kafka-storage.sh format} does, by calling
 * {@link StorageTool#execute(String[], PrintStream)} in-process. ({@code StorageTool.main} would
 * call {@code System.exit}.) The tool only reads its configuration from a file, so the
 * properties are written to a temporary file that is deleted again before this returns.
 */
final class StorageFormatter {
    private static final Logger log = LoggerFactory.getLogger(StorageFormatter.class);
    static final String META_PROPERTIES = "meta.properties";

    private StorageFormatter() {
    }

    /** Whether {@code logDir} already holds a formatted node (its {@code meta.properties}). */
    static boolean isFormatted(Path logDir) {
        return Files.isRegularFile(logDir.resolve(META_PROPERTIES));
    }

    /**
     * Formats {@code logDir} for cluster {@code clusterId} unless it is formatted already, in
     * which case its data and cluster id are kept.
     *
     * @return the cluster id the log dir holds now: {@code clusterId}, or the earlier one
     * @throws EmbeddedKafkaException if the tool fails; the message carries the tool's output
     */
    static String formatIfNeeded(Properties serverProperties, Path logDir, String clusterId) {
        if (isFormatted(logDir)) {
            String existing = readClusterId(logDir);
            log.debug("Log dir {} is already formatted for cluster {}; keeping its data", logDir, existing);
            return existing;
        }
        Path configFile = null;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            Files.createDirectories(logDir);
            configFile = Files.createTempFile("embedded-kafka-", ".properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                serverProperties.store(out, "embedded Kafka broker; written for kafka-storage format");
            }
            String[] args = {"format", "--config", configFile.toString(), "--cluster-id", clusterId,
                    "--ignore-formatted"};
            int exitCode;
            try (PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                exitCode = StorageTool.execute(args, printer);
            }
            String text = output.toString(StandardCharsets.UTF_8).trim();
            if (exitCode != 0) {
                throw new EmbeddedKafkaException("Formatting Kafka log dir " + logDir
                        + " failed with exit code " + exitCode + ": " + text);
            }
            log.debug("Formatted {} for cluster {}: {}", logDir, clusterId, text);
            return clusterId;
        } catch (EmbeddedKafkaException e) {
            throw e;
        } catch (Exception e) { // StorageTool is Scala: it may throw undeclared checked exceptions
            throw new EmbeddedKafkaException("Formatting Kafka log dir " + logDir + " failed: "
                    + e.getMessage() + " (tool output: " + output.toString(StandardCharsets.UTF_8).trim() + ")", e);
        } finally {
            deleteQuietly(configFile);
        }
    }

    /** The {@code cluster.id} in {@code logDir/meta.properties}. */
    static String readClusterId(Path logDir) {
        Path meta = logDir.resolve(META_PROPERTIES);
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            properties.load(in);
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Could not read " + meta, e);
        }
        String id = properties.getProperty("cluster.id");
        if (id == null) {
            throw new EmbeddedKafkaException(meta + " has no cluster.id; is it a KRaft log dir?");
        }
        return id;
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete temporary broker config {}", file, e);
        }
    }
}
