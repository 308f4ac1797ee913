package io.embedstream.stream;

import io.embedstream.config.BatchingConfig;
import io.embedstream.config.TopicsConfig;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the topology: input topic → {@link EmbeddingProcessor} (with its changelogged batch
 * buffer) → output topic, with bad records to the dead-letter topic. A pure function of its
 * arguments: no properties, no literal topic names.
 */
public final class EmbeddingTopology {

    static final String SOURCE = "input-source";
    static final String PROCESSOR = "embed";

    private EmbeddingTopology() {}

    public static <T> Topology build(TopicsConfig topics, BatchingConfig batching, EmbeddingPipeline<T> pipeline) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.input());
        topology.addProcessor(PROCESSOR, () -> new EmbeddingProcessor<>(pipeline, batching.checkInterval()), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(EmbeddingProcessor.BUFFER_STORE), Serdes.Long(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of())
                .withCachingEnabled(), PROCESSOR);
        topology.addSink(EmbeddingProcessor.OUTPUT_SINK, topics.output(), new ByteArraySerializer(),
                new ByteArraySerializer(), PROCESSOR);
        topology.addSink(EmbeddingProcessor.DEAD_LETTER_SINK, topics.deadLetter(), new ByteArraySerializer(),
                new ByteArraySerializer(), PROCESSOR);
        return topology;
    }
}
