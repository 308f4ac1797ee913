package io.embedstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.app.EmbedService;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.dev.ops.MetricsScrape;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestData;
import io.embedstream.testing.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes {@code /metrics} during a real run (the in-JVM broker, a real Apicurio registry, the grenade-mlp model)
 * and checks the counters against what was produced, enriched and dead-lettered, exactly. The batches are made
 * countable: every partition gets a multiple of {@code batching.max-size} valid records and the linger time is
 * longer than the test, so every batch is full and their number is known beforehand.
 */
class MetricsEndpointIT {

    private static final int PARTITIONS = 3;
    private static final int BATCH = 16;
    private static final int BATCHES_PER_PARTITION = 4;
    private static final int VALID = PARTITIONS * BATCH * BATCHES_PER_PARTITION;

    @TempDir
    Path stateDir;

    @Test
    void shouldCountExactlyWhatWasProducedEnrichedAndDeadLettered() throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        ApicurioRegistry apicurio = ApicurioRegistry.shared();
        String input = TestTopics.unique("metrics-in");
        String output = TestTopics.unique("metrics-out");
        broker.createTopics(PARTITIONS, input, output, input + ".dlq");

        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("application-id", TestTopics.unique("metrics-app"));
        overrides.put("topics.input", input);
        overrides.put("topics.output", output);
        overrides.put("kafka.bootstrap.servers", broker.bootstrapServers());
        overrides.put("kafka.state.dir", stateDir.toString());
        overrides.put("registry.url", apicurio.ccompatUrl());
        overrides.put("model.dir", TestData.model("grenade-mlp").toString());
        overrides.put("model.layer", "dense_761");
        overrides.put("batching.max-size", Integer.toString(BATCH));
        overrides.put("batching.linger-ms", "600000");
        overrides.put("ops.port", "0");
        overrides.put("ops.bind-address", "127.0.0.1");
        AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);

        SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl()));
        ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(registry, true);
        Random random = new Random(11);
        try (Producer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < BATCH * BATCHES_PER_PARTITION; i++) {
                    String id = "p" + p + "-" + i;
                    List<Float> f = new ArrayList<>();
                    for (int j = 0; j < 12; j++) {
                        f.add((float) random.nextGaussian());
                    }
                    producer.send(new ProducerRecord<>(input, p, bytes(id),
                            serializer.serialize(input, FeatureRecord.newBuilder().setId(id).setFeatures(f).build())));
                }
            }
            producer.send(new ProducerRecord<>(input, 0, bytes("bad-1"), bytes("not avro")));
            producer.send(new ProducerRecord<>(input, 1, bytes("bad-2"), bytes("not avro either")));
            producer.send(new ProducerRecord<>(input, 2, bytes("bad-dim"), serializer.serialize(input,
                    FeatureRecord.newBuilder().setId("bad-dim").setFeatures(List.of(1f, 2f)).build())));
            List<Float> nan = new ArrayList<>(java.util.Collections.nCopies(12, 0f));
            nan.set(3, Float.NaN);
            producer.send(new ProducerRecord<>(input, 0, bytes("bad-nan"), serializer.serialize(input,
                    FeatureRecord.newBuilder().setId("bad-nan").setFeatures(nan).build())));
            producer.flush();
        }

        MetricsScrape scrape;
        HttpResponse<String> ready;
        try (EmbedService service = EmbedService.start(config)) {
            URI ops = service.opsUri().orElseThrow();
            assertThat(KafkaTestClients.consume(broker.bootstrapServers(), output, VALID, Duration.ofSeconds(120),
                    IsolationLevel.READ_COMMITTED)).hasSize(VALID);
            assertThat(KafkaTestClients.consume(broker.bootstrapServers(), input + ".dlq", 4, Duration.ofSeconds(30),
                    IsolationLevel.READ_COMMITTED)).hasSize(4);
            scrape = MetricsScrape.fetch(ops.resolve("/metrics"));
            ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ops.resolve("/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        Files.writeString(Path.of("target", "metrics-sample.txt"), scrape.text());

        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(scrape.sum("embedstream_records_received_total")).isEqualTo(VALID + 4);
        assertThat(scrape.sum("embedstream_records_enriched_total")).isEqualTo(VALID);
        assertThat(scrape.sum("embedstream_records_dead_lettered_total")).isEqualTo(4);
        assertThat(scrape.sum("embedstream_records_dead_lettered_total", "reason", "UNDECODABLE")).isEqualTo(2);
        assertThat(scrape.sum("embedstream_records_dead_lettered_total", "reason", "WRONG_DIMENSION")).isEqualTo(1);
        assertThat(scrape.sum("embedstream_records_dead_lettered_total", "reason", "NON_FINITE")).isEqualTo(1);

        int batches = PARTITIONS * BATCHES_PER_PARTITION;
        assertThat(scrape.sum("embedstream_batch_size_count")).as("one sample per session.run batch").isEqualTo(batches);
        assertThat(scrape.sum("embedstream_batch_size_sum")).isEqualTo(VALID);
        assertThat(scrape.sum("embedstream_batch_size_bucket", "le", "8.0")).isZero();
        assertThat(scrape.sum("embedstream_batch_size_bucket", "le", "16.0")).isEqualTo(batches);
        assertThat(scrape.sum("embedstream_inference_seconds_count")).isEqualTo(batches);
        assertThat(scrape.sum("embedstream_inference_seconds_sum")).isPositive();
        assertThat(scrape.sum("embedstream_end_to_end_lag_seconds_count")).isEqualTo(VALID);
        assertThat(scrape.sum("embedstream_end_to_end_lag_seconds_bucket", "le", "+Inf")).isEqualTo(VALID);
        assertThat(scrape.sum("embedstream_buffer_records")).isZero();

        List<MetricsScrape.Sample> info = scrape.samples("embedstream_model_info");
        assertThat(info).hasSize(1);
        assertThat(info.get(0).value()).isEqualTo(1.0);
        assertThat(info.get(0).labels()).containsEntry("model", "grenade-mlp").containsEntry("version", "1")
                .containsEntry("layer", "dense_761").containsEntry("pooling", "none")
                .containsEntry("normalization", "l2").containsEntry("dimension", "8");

        List<String> names = scrape.names();
        assertThat(names).as("JVM and process").contains("jvm_memory_used_bytes", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "process_cpu_usage", "process_uptime_seconds", "process_files_open_files");
        assertThat(names).as("Kafka Streams client metrics").anyMatch(n -> n.startsWith("kafka_stream_thread_"))
                .anyMatch(n -> n.startsWith("kafka_consumer_")).anyMatch(n -> n.startsWith("kafka_producer_"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
