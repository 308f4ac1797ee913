package io.embedstream.testing;

import io.embedstream.avro.FeatureRecord;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
                String id = id(idPrefix, produced.get());
                List<Float> features = new ArrayList<>(12);
                for (float x : nextFeatures(random)) {
                    features.add(x);
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

    /** The id of the {@code index}-th record sent with {@code idPrefix}. */
    public static String id(String idPrefix, int index) {
        return String.format("%s-%06d", idPrefix, index);
    }

    /** The features of the first {@code count} records a run with {@code seed} sent, by id, in sending order. */
    public static Map<String, float[]> features(String idPrefix, long seed, int count) {
        Random random = new Random(seed);
        Map<String, float[]> features = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            features.put(id(idPrefix, i), nextFeatures(random));
        }
        return features;
    }

    private static float[] nextFeatures(Random random) {
        float[] features = new float[12];
        for (int j = 0; j < features.length; j++) {
            features[j] = (float) random.nextGaussian();
        }
        return features;
    }
}
