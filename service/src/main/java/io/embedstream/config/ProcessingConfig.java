package io.embedstream.config;

/**
 * Kafka Streams processing settings that the service owns.
 *
 * @param guarantee     exactly_once_v2 (default) or at_least_once
 * @param streamThreads Kafka Streams threads in this instance
 */
public record ProcessingConfig(Guarantee guarantee, int streamThreads) {
    public ProcessingConfig {
        Checks.required("processing.guarantee", guarantee);
        Checks.atLeast("processing.stream-threads", streamThreads, 1);
    }
}
