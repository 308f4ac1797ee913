package io.embedstream.stream;

import io.embedstream.config.BatchingConfig;
import io.embedstream.config.TopicsConfig;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the topology: input topic → {@link EmbeddingProcessor} (with its changelogged batch
 * buffer) → output topic, with bad records to the dead-letter topic. A pure function of its
 * arguments: no properties, no literal topic names.
 *
 * <p>The buffer is a persistent (RocksDB) store, although it holds only a few references at a time: a topology
 * with a persistent store makes Kafka Streams keep its process id in the state directory, and so its
 * transactional ids, across restarts. A restarted instance then fences the transactions its killed predecessor
 * left open at once, instead of waiting for them to time out ({@code transaction.timeout.ms}) before it can read
 * its committed offsets; and after a graceful stop it restores the buffer from its local copy and a checkpoint
 * instead of the whole changelog.
 */
public final class EmbeddingTopology {

    static final String SOURCE = "input-source";

    /**
     * The buffer's changelog holds two small records per input record (the entry, then its tombstone) and almost
     * no live entries, so compaction can shrink it to nearly nothing, but only in closed segments and only after
     * {@code delete.retention.ms}: roll segments every 10 minutes and keep tombstones for an hour, so that a
     * restore after a crash reads about an hour of tombstones rather than everything since the topic was
     * created. Applies when Kafka Streams creates the topic.
     */
    static final Map<String, String> CHANGELOG_CONFIG = Map.of(
            TopicConfig.SEGMENT_MS_CONFIG, "600000",
            TopicConfig.DELETE_RETENTION_MS_CONFIG, "3600000");
    static final String PROCESSOR = "embed";

    private EmbeddingTopology() {}

    public static <T> Topology build(TopicsConfig topics, BatchingConfig batching, EmbeddingPipeline<T> pipeline) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.input());
        topology.addProcessor(PROCESSOR, () -> new EmbeddingProcessor<>(pipeline, batching.checkInterval()), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(EmbeddingProcessor.BUFFER_STORE), Serdes.Long(), Serdes.ByteArray())
                .withLoggingEnabled(CHANGELOG_CONFIG)
                .withCachingEnabled(), PROCESSOR);
        topology.addSink(EmbeddingProcessor.OUTPUT_SINK, topics.output(), new ByteArraySerializer(),
                new ByteArraySerializer(), PROCESSOR);
        topology.addSink(EmbeddingProcessor.DEAD_LETTER_SINK, topics.deadLetter(), new ByteArraySerializer(),
                new ByteArraySerializer(), PROCESSOR);
        return topology;
    }
}
