package io.embedstream.dev.bench.e2e;

import io.embedstream.config.AppConfig;
import io.embedstream.embed.Embedder;
import io.embedstream.embed.Embeddings;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelDescription;
import io.embedstream.model.ModelLoader;
import io.embedstream.postprocess.Postprocessor;
import io.embedstream.stream.DecodedInput;
import io.embedstream.stream.InvalidRecordException;
import io.embedstream.stream.OutputMetadata;
import io.embedstream.stream.OutputWriter;
import io.embedstream.stream.PendingRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The naive peer: the Java equivalent of a short Python consumer (confluent-kafka + fastavro + TensorFlow, batch 64,
 * at-least-once). One thread takes up to 64 records, decodes them, runs them through the {@link Embedder} in one
 * batch, produces the {@code EnrichedRecord}s, waits for the broker to acknowledge them, commits the offsets, and
 * only then polls again: no pipelining, no transactions. It decodes and encodes with the service's own codec
 * ({@link PeerCodec}), so it is at least as fast per record as the Python loop it stands in for.
 */
@Command(name = "naive", description = "A plain poll / embed / produce / commit loop, batch 64, at-least-once.")
final class NaivePeerWorker implements Callable<Integer> {

    @Mixin
    WorkerOptions options;

    @Option(names = "--batch", defaultValue = "64", description = "Records per poll and per session.run.")
    int batch;

    private static final Duration MAX_WAIT = Duration.ofSeconds(1);

    private final LongAdder processed = new LongAdder();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Override
    public Integer call() throws Exception {
        AppConfig config = options.config();
        WorkerChannel channel = options.channel();
        CompletableFuture<Void> stop = channel.serve(() -> Map.of("records", processed.sum(), "failed",
                failure.get() != null));
        try (EmbeddingModel model = ModelLoader.load(config.model(), 1);
                InferenceSession session = model.openSession()) {
            ModelDescription description = model.description();
            long[] shape = description.input().shape();
            long[] rowShape = Arrays.copyOfRange(shape, 1, shape.length);
            Postprocessor postprocessor = new Postprocessor(config.embedding().pooling(), config.embedding().normalize());
            OutputMetadata metadata = new OutputMetadata(description.name(), description.version(),
                    Objects.requireNonNullElse(config.model().layer(), description.output().name()),
                    config.embedding().pooling().toString(), config.embedding().normalize().toString());
            Embedder embedder = new Embedder(postprocessor, rowShape);
            PeerCodec codec = PeerCodec.of(config, rowShape, metadata);
            options.warmUp(pass -> start(pass, session, embedder, codec, new LongAdder()));
            try (Loop loop = start(config, session, embedder, codec, processed)) {
                channel.send("ready", Map.of());
                stop.join();
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the naive peer failed", failure.get());
        }
        return 0;
    }

    /** One poll loop on a thread of its own, with its own consumer and producer; closing it stops it. */
    private final class Loop implements JitWarmup.Pass {
        final KafkaConsumer<byte[], byte[]> consumer;
        final KafkaProducer<byte[], byte[]> producer;
        final LongAdder counter;
        final AtomicBoolean running = new AtomicBoolean(true);
        Thread thread;

        Loop(AppConfig config, LongAdder counter) {
            this.consumer = new KafkaConsumer<>(consumerProps(config), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            this.producer = new KafkaProducer<>(producerProps(config), new ByteArraySerializer(),
                    new ByteArraySerializer());
            this.counter = counter;
        }

        @Override
        public long processed() {
            return counter.sum();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            consumer.wakeup();
            thread.join(Duration.ofSeconds(60).toMillis());
            producer.close();
            consumer.close();
        }
    }

    private Loop start(AppConfig config, InferenceSession session, Embedder embedder, PeerCodec codec,
            LongAdder counter) {
        Loop loop = new Loop(config, counter);
        loop.consumer.subscribe(List.of(config.topics().input()));
        loop.thread = new Thread(() -> loop(loop, session, embedder, codec, config.topics().output()), "naive-peer");
        loop.thread.start();
        return loop;
    }

    private Map<String, Object> consumerProps(AppConfig config) {
        Map<String, Object> props = new LinkedHashMap<>(config.kafka());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.applicationId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(batch));
        return props;
    }

    /** Kafka's defaults (acks=all, idempotent), as a short script would leave them. */
    private static Map<String, Object> producerProps(AppConfig config) {
        return new LinkedHashMap<>(config.kafka());
    }

    /**
     * The poll loop, on its own thread; {@code wakeup()} ends it. Like confluent-kafka's
     * {@code consume(num_messages=64, timeout=1.0)}, a batch is taken once 64 records are there or the first of
     * them has waited a second; records polled beyond the batch wait for the next one.
     */
    private void loop(Loop loop, InferenceSession session, Embedder embedder, PeerCodec codec, String output) {
        KafkaConsumer<byte[], byte[]> consumer = loop.consumer;
        KafkaProducer<byte[], byte[]> producer = loop.producer;
        float[] rows = new float[batch * codec.rowLength()];
        ArrayDeque<ConsumerRecord<byte[], byte[]>> polled = new ArrayDeque<>();
        List<DecodedInput<Void>> inputs = new ArrayList<>(batch);
        List<PendingRecord> sources = new ArrayList<>(batch);
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        long firstWaiting = -1;
        try {
            while (loop.running.get()) {
                if (polled.size() < batch) {
                    consumer.poll(Duration.ofMillis(50)).forEach(polled::add);
                }
                if (polled.isEmpty()) {
                    continue;
                }
                long now = System.nanoTime();
                firstWaiting = firstWaiting < 0 ? now : firstWaiting;
                if (polled.size() < batch && now - firstWaiting < MAX_WAIT.toNanos()) {
                    continue;
                }
                inputs.clear();
                sources.clear();
                offsets.clear();
                for (int i = 0; i < batch && !polled.isEmpty(); i++) {
                    ConsumerRecord<byte[], byte[]> r = polled.poll();
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    try {
                        inputs.add(codec.input().decode(r.topic(), r.value(), rows, inputs.size() * codec.rowLength()));
                        sources.add(new PendingRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(),
                                r.value(), r.headers()));
                    } catch (InvalidRecordException e) {
                        // a short script would skip what it cannot read; the bench writes only valid records
                    }
                }
                Embeddings embeddings = embedder.embed(session, rows, inputs.size());
                for (int i = 0; i < inputs.size(); i++) {
                    if (embeddings.ok(i)) {
                        OutputWriter.Output out = codec.output().write(inputs.get(i), sources.get(i), embeddings, i);
                        producer.send(new ProducerRecord<>(output, out.key(), out.value()));
                    }
                }
                producer.flush();
                consumer.commitSync(offsets);
                loop.counter.add(inputs.size());
                firstWaiting = polled.isEmpty() ? -1 : System.nanoTime();
            }
        } catch (WakeupException e) {
            // stopped
        } catch (RuntimeException e) {
            failure.set(e);
        }
    }
}
