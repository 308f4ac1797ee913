package io.embedstream.testing;

import io.embedstream.avro.FeatureRecord;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends 12-feature {@code FeatureRecord}s (grenade-mlp's input) with ids {@code PREFIX-000000}, {@code PREFIX-000001},
 * ... at a fixed rate while {@code producing} is set: the steady input of the restart and hand-over tests, which
 * count what was sent in {@code produced} and account for every id.
 */
public final class PacedFeatureProducer {

    private PacedFeatureProducer() {}

    /** Runs on the calling thread until {@code producing} is cleared; a failure is put into {@code failure}. */
    public static void run(String bootstrap, String topic, SchemaRegistryClient registry, String idPrefix, long seed,
            int recordsPerSecond, AtomicBoolean producing, AtomicInteger produced, AtomicReference<Throwable> failure) {
        ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(registry, true);
        Random random = new Random(seed);
        try (Producer<byte[], byte[]> producer = KafkaTestClients.producer(bootstrap)) {
            long start = System.nanoTime();
            while (producing.get()) {
                String id = String.format("%s-%06d", idPrefix, produced.get());
                List<Float> features = new ArrayList<>(12);
                for (int j = 0; j < 12; j++) {
                    features.add((float) random.nextGaussian());
                }
                producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), serializer.serialize(
                        topic, FeatureRecord.newBuilder().setId(id).setFeatures(features).build())));
                int sent = produced.incrementAndGet();
                long wait = start + sent * 1_000_000_000L / recordsPerSecond - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            producer.flush();
        } catch (Throwable t) {
            failure.set(t);
        }
    }
}
