package io.embedstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.BatchingConfig;
import io.embedstream.config.Normalization;
import io.embedstream.config.Pooling;
import io.embedstream.config.TopicsConfig;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelDescription;
import io.embedstream.testing.DirectExecutorService;
import io.embedstream.model.ModelInputException;
import io.embedstream.postprocess.Postprocessor;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.testing.MapSchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The topology's batching, ordering and dead-lettering, with a stand-in model (y = 2x) and plain
 * Avro. The real model, serde and broker are covered by the integration tests.
 */
class EmbeddingTopologyTest {

    private static final TopicsConfig TOPICS = new TopicsConfig("in", "out", "in.dlq");
    private static final float POISON = 666f;
    private static final SourceReader NO_SOURCES = new SourceReader() {
        @Override
        public Map<Long, org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> read(
                org.apache.kafka.common.TopicPartition partition, java.util.SortedSet<Long> offsets) {
            throw new AssertionError("nothing is restored in these tests");
        }

        @Override
        public void close() {}
    };

    private final List<Integer> batchSizes = new ArrayList<>();
    private final MapSchemaRegistry registry = new MapSchemaRegistry();
    private final Serializer<FeatureRecord> featureSerializer = new ConfluentAvroSerializer<>(registry, true);
    private final Deserializer<EnrichedRecord> enrichedDeserializer =
            ConfluentAvroDeserializer.specific(registry, EnrichedRecord.class);
    private final BatchBuffers buffers = new BatchBuffers();
    private final StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry());
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], byte[]> output;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private EmbeddingPipeline<Void> pipeline;

    /** Doubles its input; rejects (like a TF assertion) any batch that holds the POISON value. */
    private final InferenceSession doubler = new InferenceSession() {
        @Override
        public FloatBatch run(FloatBatch batch) {
            batchSizes.add(batch.rows());
            float[] out = new float[batch.data().length];
            for (int i = 0; i < out.length; i++) {
                if (batch.data()[i] == POISON) {
                    throw new ModelInputException("assertion failed: input must be < 100", null);
                }
                out[i] = 2 * batch.data()[i];
            }
            return new FloatBatch(out, batch.shape());
        }

        @Override
        public void close() {}
    };

    private final EmbeddingModel model = new EmbeddingModel() {
        @Override
        public ModelDescription description() {
            throw new UnsupportedOperationException();
        }

        @Override
        public InferenceSession openSession() {
            return doubler;
        }

        @Override
        public void close() {}
    };

    private void start(int maxSize, long lingerMs) {
        start(maxSize, lingerMs, RecordLimits.unlimited());
    }

    private void start(int maxSize, long lingerMs, RecordLimits limits) {
        FeatureInputHandler handler = new FeatureInputHandler(ConfluentAvroDeserializer.specific(registry,
                FeatureRecord.class), new long[] {3});
        Enricher enricher = new Enricher(new OutputMetadata("doubler", "7", "y", "none", "l2"),
                Clock.fixed(Instant.parse("2026-11-29T00:00:00Z"), ZoneOffset.UTC));
        BatchingConfig batching = new BatchingConfig(maxSize, lingerMs, 2);
        // Batches run on the calling thread, so that a full batch's results are forwarded before pipeInput returns.
        pipeline = EmbeddingPipeline.create(handler,
                new EnrichedRecordWriter<>(enricher, new ConfluentAvroSerializer<>(registry, true), "out"), model,
                new Postprocessor(Pooling.NONE, Normalization.L2), batching, NO_SOURCES, buffers, metrics,
                limits, name -> new DirectExecutorService());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(EmbeddingTopology.build(TOPICS, batching, pipeline),
                props, Instant.parse("2026-11-29T00:00:00Z"));
        input = driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
        output = driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic("in.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private byte[] feature(String id, float... values) {
        List<Float> list = new ArrayList<>();
        for (float v : values) {
            list.add(v);
        }
        return featureSerializer.serialize("in", FeatureRecord.newBuilder().setId(id).setFeatures(list)
                .setAttributes(Map.of("src", "test")).setEventTime(Instant.ofEpochMilli(1234)).build());
    }

    private static java.util.Comparator<Float> floatsWithin(float tolerance) {
        return (a, b) -> Math.abs(a - b) <= tolerance ? 0 : Float.compare(a, b);
    }

    private List<EnrichedRecord> outputs() {
        return output.readValuesToList().stream().map(v -> enrichedDeserializer.deserialize("out", v)).toList();
    }

    @Test
    void shouldRunOneSessionPerFullBatchAndEnrichInOrder() {
        start(4, 60_000);
        for (int i = 0; i < 8; i++) {
            input.pipeInput(("k" + i).getBytes(StandardCharsets.UTF_8), feature("id-" + i, 3, 4, i));
        }
        assertThat(batchSizes).containsExactly(4, 4);
        List<EnrichedRecord> out = outputs();
        assertThat(out).extracting(EnrichedRecord::getId)
                .containsExactly("id-0", "id-1", "id-2", "id-3", "id-4", "id-5", "id-6", "id-7");
        EnrichedRecord first = out.get(0);
        // 2 * (3, 4, 0) normalised = (0.6, 0.8, 0)
        assertThat(first.getEmbedding()).usingElementComparator(floatsWithin(1e-6f)).containsExactly(0.6f, 0.8f, 0f);
        assertThat(first.getDimension()).isEqualTo(3);
        assertThat(first.getModelName()).isEqualTo("doubler");
        assertThat(first.getModelVersion()).isEqualTo("7");
        assertThat(first.getLayer()).isEqualTo("y");
        assertThat(first.getSourceTopic()).isEqualTo("in");
        assertThat(first.getSourcePartition()).isZero();
        assertThat(out).extracting(EnrichedRecord::getSourceOffset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(first.getAttributes()).containsEntry("src", "test");
        assertThat(first.getEventTime()).isEqualTo(Instant.ofEpochMilli(1234));
        assertThat(buffers.pending()).isZero();
    }

    @Test
    void shouldHoldPartialBatchUntilLingerHasPassed() {
        start(64, 200);
        input.pipeInput(feature("a", 1, 0, 0));
        input.pipeInput(feature("b", 0, 1, 0));
        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertThat(output.isEmpty()).isTrue();
        assertThat(buffers.pending()).isEqualTo(2);

        driver.advanceWallClockTime(Duration.ofMillis(150));
        assertThat(outputs()).extracting(EnrichedRecord::getId).containsExactly("a", "b");
        assertThat(batchSizes).containsExactly(2);
        assertThat(buffers.pending()).isZero();
    }

    @Test
    void shouldFlushEverythingWhenDrainingForShutdown() {
        start(64, 60_000);
        input.pipeInput(feature("a", 1, 0, 0));
        buffers.drain();
        driver.advanceWallClockTime(Duration.ofMillis(1000));
        assertThat(outputs()).extracting(EnrichedRecord::getId).containsExactly("a");
    }

    @Test
    void shouldRouteUndecodableRecordToDeadLetterTopicAndKeepGoing() {
        start(1, 0);
        byte[] garbage = {0, 1, 2, 3, 4, 5, 6, 7, (byte) 0xff};
        input.pipeInput("bad".getBytes(StandardCharsets.UTF_8), garbage);
        input.pipeInput(feature("good", 1, 2, 3));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).asString(StandardCharsets.UTF_8).isEqualTo("bad");
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.TOPIC)).isEqualTo("in");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.PARTITION)).isEqualTo("0");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.OFFSET)).isEqualTo("0");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("UNDECODABLE");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.CLASS))
                .isEqualTo(InvalidRecordException.class.getName());
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.MESSAGE))
                .startsWith("record in-0@0: the value is not a FeatureRecord");
        assertThat(outputs()).extracting(EnrichedRecord::getId).containsExactly("good");
    }

    @Test
    void shouldDeadLetterWrongDimensionNonFiniteAndTombstones() {
        start(1, 0);
        input.pipeInput(feature("short", 1, 2));
        input.pipeInput(feature("nan", 1, Float.NaN, 3));
        input.pipeInput(feature("inf", Float.POSITIVE_INFINITY, 0, 3));
        input.pipeInput("t".getBytes(StandardCharsets.UTF_8), (byte[]) null);

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON))
                .containsExactly("WRONG_DIMENSION", "NON_FINITE", "NON_FINITE", "UNDECODABLE");
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.MESSAGE))
                .isEqualTo("record in-0@0: record short has 2 features, expected 3 (model input shape [3] without the batch axis)");
        assertThat(DeadLetterHeaders.get(dead.get(1).headers(), DeadLetterHeaders.MESSAGE))
                .isEqualTo("record in-0@1: record nan has feature[1] = NaN; expected finite values only");
        assertThat(DeadLetterHeaders.get(dead.get(3).headers(), DeadLetterHeaders.OFFSET)).isEqualTo("3");
        assertThat(output.isEmpty()).isTrue();
        assertThat(metrics.registry().counter("embedstream.records.dead_lettered", "reason", "NON_FINITE").count())
                .isEqualTo(2.0);
    }

    @Test
    void shouldIsolateTheRecordTheModelRejectsAndEnrichItsNeighbours() {
        start(5, 60_000);
        for (int i = 0; i < 5; i++) {
            input.pipeInput(feature("r" + i, 1, i == 3 ? POISON : 1, 1));
        }
        assertThat(outputs()).extracting(EnrichedRecord::getId).containsExactly("r0", "r1", "r2", "r4");
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.REASON)).isEqualTo("MODEL_REJECTED");
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.OFFSET)).isEqualTo("3");
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.MESSAGE))
                .contains("assertion failed: input must be < 100");
        assertThat(batchSizes.get(0)).isEqualTo(5);
    }

    private static final Instant NOW = Instant.parse("2026-11-29T00:00:00Z");
    private static final TopicRules COMPACTED = new TopicRules(true, true, Long.MAX_VALUE, Long.MAX_VALUE);
    private static final TopicRules LAST_DAY = new TopicRules(false, true, Duration.ofDays(1).toMillis(),
            Duration.ofHours(1).toMillis());

    private static RecordLimits limits(TopicRules output, TopicRules deadLetter) {
        return new RecordLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, output, deadLetter);
    }

    @Test
    void shouldDeadLetterARecordWithoutKeyWhenTheOutputTopicIsCompacted() {
        start(2, 60_000, limits(COMPACTED, TopicRules.ANY));
        input.pipeInput((byte[]) null, feature("keyless", 1, 2, 3), NOW);
        input.pipeInput("k".getBytes(StandardCharsets.UTF_8), feature("keyed", 1, 2, 3), NOW);

        assertThat(outputs()).extracting(EnrichedRecord::getId).containsExactly("keyed");
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("OUTPUT_KEY_REQUIRED");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.MESSAGE))
                .startsWith("record in-0@0: the record has no key, and the output topic is compacted");
        assertThat(dead.key()).isNull();
        assertThat(dead.value()).isEqualTo(feature("keyless", 1, 2, 3));
    }

    @Test
    void shouldDeadLetterARecordWhoseTimestampTheOutputTopicRefuses() {
        start(3, 60_000, limits(LAST_DAY, TopicRules.ANY));
        Instant old = NOW.minus(Duration.ofDays(3));
        input.pipeInput("a".getBytes(StandardCharsets.UTF_8), feature("old", 1, 2, 3), old);
        input.pipeInput("b".getBytes(StandardCharsets.UTF_8), feature("future", 1, 2, 3), NOW.plus(Duration.ofHours(2)));
        input.pipeInput("c".getBytes(StandardCharsets.UTF_8), feature("recent", 1, 2, 3), NOW.minus(Duration.ofHours(20)));

        assertThat(outputs()).extracting(EnrichedRecord::getId).containsExactly("recent");
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON))
                .containsExactly("OUTPUT_TIMESTAMP_REJECTED", "OUTPUT_TIMESTAMP_REJECTED");
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.MESSAGE))
                .contains("message.timestamp.before.max.ms=86400000");
        assertThat(dead.get(0).timestamp()).as("the dead-letter topic takes any timestamp").isEqualTo(old.toEpochMilli());
    }

    @Test
    void shouldGiveADeadLetterAKeyAndATimestampTheDeadLetterTopicTakes() {
        TopicRules compactedLastDay = new TopicRules(true, true, Duration.ofDays(1).toMillis(), Long.MAX_VALUE);
        start(1, 0, limits(TopicRules.ANY, compactedLastDay));
        Instant old = NOW.minus(Duration.ofDays(3));
        input.pipeInput((byte[]) null, new byte[] {9, 9, 9}, old);

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("UNDECODABLE");
        assertThat(dead.key()).asString(StandardCharsets.UTF_8).isEqualTo("in-0@0");
        assertThat(dead.value()).containsExactly(9, 9, 9);
        assertThat(dead.timestamp()).isEqualTo(NOW.toEpochMilli());
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.ORIGINAL_TIMESTAMP))
                .isEqualTo(Long.toString(old.toEpochMilli()));
    }

    @Test
    void shouldDeadLetterARecordWhoseOutputTheProducerRefusedBefore() {
        start(2, 60_000);
        // What ProducerFailureHandler notes when the broker refuses the output of in-0@1; the stream thread is then
        // replaced and processes the record again.
        byte[] refusedValue = new byte[] {1};
        pipeline.rejections().track(refusedValue, new PendingRecord("in", 0, 1, 0, null, null, null));
        pipeline.rejections().outputRefused(refusedValue, io.embedstream.failure.FailureReason.OUTPUT_REJECTED,
                "the out topic refused the output record: Compacted topic cannot accept message without key");

        input.pipeInput("a".getBytes(StandardCharsets.UTF_8), feature("fine", 1, 2, 3), NOW);
        input.pipeInput("b".getBytes(StandardCharsets.UTF_8), feature("refused", 1, 2, 3), NOW);

        assertThat(outputs()).extracting(EnrichedRecord::getId).containsExactly("fine");
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("OUTPUT_REJECTED");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.OFFSET)).isEqualTo("1");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.MESSAGE))
                .isEqualTo("record in-0@1: the out topic refused the output record: Compacted topic cannot accept "
                        + "message without key");
        assertThat(dead.value()).isEqualTo(feature("refused", 1, 2, 3));
    }

    @Test
    void shouldWriteAMinimalDeadLetterWhenTheProducerRefusedTheFullOne() {
        start(1, 0);
        assertThat(pipeline.rejections().deadLetterRefused(new ProducerRejections.Source("in", 0, 0))).isTrue();
        input.pipeInput("k".getBytes(StandardCharsets.UTF_8), new byte[] {9, 9, 9}, NOW.minusSeconds(5));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("UNDECODABLE");
        assertThat(dead.key()).isNull();
        assertThat(dead.value()).isNull();
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.VALUE_OMITTED)).isEqualTo("true");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.ORIGINAL_SIZE)).isEqualTo("3");
        assertThat(dead.timestamp()).isEqualTo(NOW.toEpochMilli());
        assertThat(pipeline.rejections().deadLetterRefused(new ProducerRejections.Source("in", 0, 0)))
                .as("a refused minimal dead letter cannot be helped").isFalse();
    }
}
