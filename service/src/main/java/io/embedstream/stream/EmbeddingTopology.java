package io.embedstream.stream;

import io.embedstream.config.BatchingConfig;
import io.embedstream.config.TopicsConfig;
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

    public static Topology build(TopicsConfig topics, BatchingConfig batching, EmbeddingPipeline pipeline) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.input());
        topology.addProcessor(PROCESSOR, () -> newProcessor(pipeline.input(), topics, batching, pipeline), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(EmbeddingProcessor.BUFFER_STORE), Serdes.Long(), Serdes.ByteArray())
                .withLoggingEnabled(java.util.Map.of())
                .withCachingEnabled(), PROCESSOR);
        topology.addSink(EmbeddingProcessor.OUTPUT_SINK, topics.output(), new ByteArraySerializer(),
                new ByteArraySerializer(), PROCESSOR);
        topology.addSink(EmbeddingProcessor.DEAD_LETTER_SINK, topics.deadLetter(), new ByteArraySerializer(),
                new ByteArraySerializer(), PROCESSOR);
        return topology;
    }

    private static <T> EmbeddingProcessor<T> newProcessor(InputHandler<T> input, TopicsConfig topics,
            BatchingConfig batching, EmbeddingPipeline p) {
        return new EmbeddingProcessor<>(input, p.sessions(), new BatchEmbedder(p.postprocessor(), input.rowShape()),
                p.enricher(), p.serializer(), topics.output(), batching, p.buffers(), p.metrics());
    }
}
