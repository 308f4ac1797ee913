package io.embedstream.dev.bench.e2e;

import io.embedstream.app.StreamsSettings;
import io.embedstream.config.AppConfig;
import io.embedstream.embed.Embeddings;
import io.embedstream.failure.RecordFailure;
import io.embedstream.stream.DecodedInput;
import io.embedstream.stream.OutputMetadata;
import io.embedstream.stream.OutputWriter;
import io.embedstream.stream.PendingRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The Kafka pass-through roof: a minimal Kafka Streams app with the service's Kafka Streams settings (same
 * processing guarantee, threads, poll and fetch sizes; {@link StreamsSettings}) that decodes each
 * {@code FeatureRecord} and writes an {@code EnrichedRecord} with an all-zero embedding of the model's dimension.
 * No model, no buffer: what Kafka and the serdes alone can do.
 */
@Command(name = "pass-through", description = "Kafka Streams: decode FeatureRecord, write EnrichedRecord of zeros.")
final class PassThroughWorker implements Callable<Integer> {

    @Mixin
    WorkerOptions options;

    @Option(names = "--row-shape", required = true, split = ",", description = "The model input row shape.")
    List<Long> rowShape;

    @Option(names = "--dimension", required = true, description = "Embedding dimension of the model's layer.")
    int dimension;

    private final LongAdder processed = new LongAdder();

    @Override
    public Integer call() throws Exception {
        AppConfig config = options.config();
        OutputMetadata metadata = new OutputMetadata(config.model().name(), config.model().version(),
                Objects.requireNonNullElse(config.model().layer(), "output"), config.embedding().pooling().toString(),
                config.embedding().normalize().toString());
        PeerCodec codec = PeerCodec.of(config, rowShape.stream().mapToLong(Long::longValue).toArray(), metadata);
        options.warmUp(pass -> {
            processed.reset();
            KafkaStreams streams = new KafkaStreams(topology(pass, codec), StreamsSettings.of(pass));
            streams.start();
            return new JitWarmup.Pass() {
                @Override
                public long processed() {
                    return processed.sum();
                }

                @Override
                public void close() {
                    streams.close(Duration.ofSeconds(30));
                }
            };
        });
        processed.reset();
        WorkerChannel channel = options.channel();
        try (KafkaStreams streams = new KafkaStreams(topology(config, codec), StreamsSettings.of(config))) {
            CompletableFuture<Void> stop = channel.serve(() -> Map.of("records", processed.sum(), "failed",
                    streams.state().hasCompletedShutdown() || streams.state() == KafkaStreams.State.ERROR));
            streams.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                if (System.nanoTime() > deadline || streams.state().hasCompletedShutdown()) {
                    throw new IllegalStateException("the pass-through app did not reach RUNNING: " + streams.state());
                }
                Thread.sleep(20);
            }
            channel.send("ready", Map.of());
            stop.join();
            streams.close(Duration.ofSeconds(30));
        }
        return 0;
    }

    private Topology topology(AppConfig config, PeerCodec codec) {
        Embeddings zeros = new Embeddings(new float[dimension], dimension, new RecordFailure[1]);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(config.topics().input(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .processValues(() -> new Forward(codec, zeros))
                .to(config.topics().output(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return builder.build();
    }

    /** Decodes a record with the service's decoder and forwards its encoded output; one per task. */
    private final class Forward implements FixedKeyProcessor<byte[], byte[], byte[]> {
        private final PeerCodec codec;
        private final Embeddings zeros;
        private final float[] row;
        private FixedKeyProcessorContext<byte[], byte[]> context;

        Forward(PeerCodec codec, Embeddings zeros) {
            this.codec = codec;
            this.zeros = zeros;
            this.row = new float[codec.rowLength()];
        }

        @Override
        public void init(FixedKeyProcessorContext<byte[], byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<byte[], byte[]> record) {
            RecordMetadata at = context.recordMetadata().orElseThrow();
            DecodedInput<Void> input = codec.input().decode(at.topic(), record.value(), row, 0);
            PendingRecord source = new PendingRecord(at.topic(), at.partition(), at.offset(), record.timestamp(),
                    record.key(), record.value(), record.headers());
            OutputWriter.Output output = codec.output().write(input, source, zeros, 0);
            context.forward(record.withValue(output.value()));
            processed.increment();
        }
    }
}
