package io.embedstream.app;

import io.embedstream.config.AppConfig;
import io.embedstream.config.Guarantee;
import io.embedstream.config.InputFormat;
import io.embedstream.stream.InputTimestamps;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Turns the service configuration into Kafka Streams properties. */
public final class StreamsSettings {
    private StreamsSettings() {}

    /**
     * The user's {@code kafka.*} properties as they are (they reach the streams, producer, consumer and
     * admin clients), then the settings the service owns, which win: application id, processing
     * guarantee and thread count. Defaults the user may override: a poll timeout of
     * {@link io.embedstream.config.BatchingConfig#checkInterval()}, so that the linger punctuation runs in
     * time, and larger fetch and producer batch sizes for kilobyte-sized records.
     */
    public static Properties of(AppConfig config) {
        Properties props = new Properties();
        props.putAll(config.kafka());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processing().guarantee().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(config.processing().streamThreads()));
        // The wall-clock punctuator that flushes lingering batches and forwards finished ones only runs between polls.
        props.putIfAbsent(StreamsConfig.POLL_MS_CONFIG,
                Long.toString(config.batching().checkInterval().toMillis()));
        // A record without a valid timestamp gets the partition's time instead of stopping the stream thread.
        props.putIfAbsent(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, InputTimestamps.class.getName());
        // The service has no global state; this only opts in to Kafka 5.0's default and silences its warning.
        props.putIfAbsent("processing.exception.handler.global.enabled", "true");
        // Kafka Streams 4.4's partition assignor builds a second StreamsConfig from the main consumer's configs, which
        // drop Streams keys, and that config warns again on every start; the main-consumer copy reaches it.
        props.putIfAbsent(StreamsConfig.MAIN_CONSUMER_PREFIX + "processing.exception.handler.global.enabled",
                props.getProperty("processing.exception.handler.global.enabled"));
        // Input records (images, feature vectors) and buffer changelog entries are kilobytes each: fetch and
        // produce in larger chunks than Kafka's defaults (1 MiB per partition fetch, 16 KiB batches), unless set.
        clientDefault(props, StreamsConfig.CONSUMER_PREFIX, ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "8388608");
        clientDefault(props, StreamsConfig.PRODUCER_PREFIX, ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        // A dead letter carries the original value: let the producer send one as large as the largest input the
        // service reads (input.max-record-bytes), plus room for headers. Topics may still take less; the
        // processor checks against the smaller limit (RecordLimits) before it forwards.
        clientDefault(props, StreamsConfig.PRODUCER_PREFIX, ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                Integer.toString(Math.max(1_048_576, config.input().maxRecordBytes() + 65_536)));
        if (config.processing().guarantee() == Guarantee.EXACTLY_ONCE_V2) {
            clientDefault(props, StreamsConfig.PRODUCER_PREFIX, ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                    Long.toString(transactionTimeoutMs(config)));
        }
        return props;
    }

    /**
     * The stream thread blocks while its oldest batch waits for an image that is being retried (docs/images.md,
     * "Retries"), and its open transaction must outlive that: Kafka Streams' 10 s default would abort it. At least
     * a minute; longer when the image retry budget plus one attempt needs more.
     */
    static long transactionTimeoutMs(AppConfig config) {
        // avro and json input may carry image URLs too (input.field); only feature vectors never wait for a fetch
        long imageWait = config.input().format() != InputFormat.FEATURE_VECTOR
                ? config.image().retry().maxElapsedMs() + config.image().connectTimeoutMs()
                        + config.image().readTimeoutMs() + 15_000
                : 0;
        return Math.max(60_000, imageWait);
    }

    /** Sets {@code prefix + key} unless the user set the key, with or without a client prefix. */
    private static void clientDefault(Properties props, String prefix, String key, String value) {
        boolean set = props.containsKey(key) || props.containsKey(prefix + key)
                || props.containsKey(StreamsConfig.MAIN_CONSUMER_PREFIX + key);
        if (!set) {
            props.put(prefix + key, value);
        }
    }
}
