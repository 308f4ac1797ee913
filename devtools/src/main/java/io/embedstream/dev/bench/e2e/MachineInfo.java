package io.embedstream.dev.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.io.InputStream;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The machine a run measured, from {@code /proc} and the JVM: CPU model and count, memory, OS, Java and Kafka
 * versions, and the load average (other jobs on a shared machine skew the figures).
 */
record MachineInfo(String cpu, int logicalCpus, long memoryBytes, String os, String java, String kafka,
        String loadAverage) {

    static MachineInfo read() {
        List<String> cpuinfo = lines(Path.of("/proc/cpuinfo"));
        String model = cpuinfo.stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown (no model name in /proc/cpuinfo)");
        int cpus = (int) cpuinfo.stream().filter(l -> l.startsWith("processor")).count();
        long memory = lines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).orElse(0L);
        String java = System.getProperty("java.runtime.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.vendor") + ")";
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
        return new MachineInfo(model, cpus == 0 ? Runtime.getRuntime().availableProcessors() : cpus, memory, os, java,
                kafkaVersion(), currentLoadAverage());
    }

    /** The 1, 5 and 15-minute load averages now, from {@code /proc/loadavg}. */
    static String currentLoadAverage() {
        List<String> load = lines(Path.of("/proc/loadavg"));
        if (load.isEmpty()) {
            return "unknown";
        }
        String[] fields = load.get(0).split("\\s+");
        return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : load.get(0);
    }

    /** The version of the Kafka clients on the class path, from the jar's {@code kafka/kafka-version.properties}. */
    private static String kafkaVersion() {
        try (InputStream in = KafkaConsumer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            Properties props = new Properties();
            if (in != null) {
                props.load(in);
            }
            return props.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
