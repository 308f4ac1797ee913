package io.embedstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.app.EmbedService;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.dev.registry.EmbeddedSchemaRegistry;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.StubHttpServer;
import io.embedstream.testing.TestData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health/ready} and {@code /health/live} through a real life cycle, with a broker and a registry of this
 * test's own so that it can take them away: not ready while the service waits for the broker (the model is not
 * loaded, let alone warmed up), ready once the model is warmed up and Kafka Streams is RUNNING, and neither ready
 * nor live after a fatal error (the registry is gone when a record with a schema id the service has not seen
 * arrives: it cannot decode it, and that is not the record's fault).
 */
class ReadinessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path stateDir;

    private record Probe(int status, JsonNode body) {}

    private Probe probe(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Probe(r.statusCode(), JSON.readTree(r.body()));
    }

    @Test
    void shouldBeNotReadyBeforeWarmUpReadyWhileRunningAndNeitherAfterAFatalError() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
                EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start()) {
            broker.createTopics(1, "ready-in", "ready-out", "ready-in.dlq");
            broker.stop(); // the service starts while the broker is away
            int port = StubHttpServer.freePort();
            URI ready = URI.create("http://127.0.0.1:" + port + "/health/ready");
            URI live = URI.create("http://127.0.0.1:" + port + "/health/live");

            Map<String, String> overrides = new LinkedHashMap<>();
            overrides.put("application-id", "ready-app");
            overrides.put("topics.input", "ready-in");
            overrides.put("topics.output", "ready-out");
            overrides.put("kafka.bootstrap.servers", broker.bootstrapServers());
            overrides.put("kafka.state.dir", stateDir.toString());
            overrides.put("kafka.default.api.timeout.ms", "120000");
            overrides.put("registry.url", registryServer.url());
            overrides.put("registry.max-retries", "1");
            overrides.put("registry.retry-backoff-ms", "50");
            overrides.put("model.dir", TestData.model("grenade-mlp").toString());
            overrides.put("batching.linger-ms", "10");
            overrides.put("ops.port", Integer.toString(port));
            overrides.put("ops.bind-address", "127.0.0.1");
            AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);

            CompletableFuture<EmbedService> starting = CompletableFuture.supplyAsync(() -> EmbedService.start(config));
            EmbedService service = null;
            try {
                // 1. Starting, waiting for the broker: alive, not ready, and the body says why.
                Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> probe(ready).status() == 503);
                Probe notYet = probe(ready);
                assertThat(notYet.body().get("status").asText()).isEqualTo("DOWN");
                assertThat(notYet.body().get("reason").asText()).startsWith("the model is not warmed up yet");
                assertThat(notYet.body().get("checks").get("streams").asText()).isEqualTo("NOT_STARTED");
                assertThat(probe(live).status()).isEqualTo(200);
                assertThat(starting).isNotDone();

                // 2. The broker comes back: the model loads and warms up, Kafka Streams reaches RUNNING.
                broker.start();
                service = starting.get(120, TimeUnit.SECONDS);
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> probe(ready).status() == 200);
                Probe up = probe(ready);
                assertThat(up.body().get("status").asText()).isEqualTo("UP");
                assertThat(up.body().get("checks").get("model").asText()).startsWith("warmed up (zero batch [64, 12]");
                assertThat(up.body().get("checks").get("streams").asText()).isEqualTo("RUNNING");

                // A record goes through while ready.
                SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(registryServer.url()));
                ConfluentAvroSerializer<GenericRecord> serializer = new ConfluentAvroSerializer<>(registry, true);
                try (Producer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
                    producer.send(new ProducerRecord<>("ready-in", bytes("r1"),
                            serializer.serialize("ready-in", feature(FeatureRecord.getClassSchema(), "r1")))).get();
                    assertThat(KafkaTestClients.consume(broker.bootstrapServers(), "ready-out", 1,
                            Duration.ofSeconds(60), IsolationLevel.READ_COMMITTED)).hasSize(1);

                    // 3. A newer writer schema, registered before the registry goes away; then a record that uses it.
                    Schema newer = SchemaBuilder.record("FeatureRecord").namespace("io.embedstream.avro").fields()
                            .requiredString("id")
                            .name("features").type().array().items().floatType().noDefault()
                            .name("note").type().optional().stringType()
                            .endRecord();
                    byte[] value = serializer.serialize("ready-in", feature(newer, "r2"));
                    registryServer.close();
                    producer.send(new ProducerRecord<>("ready-in", bytes("r2"), value)).get();
                }
                EmbedService running = service;
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> running.runner().failure() != null);
                Probe fatal = probe(ready);
                assertThat(fatal.status()).isEqualTo(503);
                assertThat(fatal.body().get("reason").asText()).startsWith("fatal error: a stream thread failed: ")
                        .contains("Schema registry");
                Probe dead = probe(live);
                assertThat(dead.status()).isEqualTo(503);
                assertThat(dead.body().get("checks").get("fatal").asText()).contains(registryServer.url());
                assertThat(service.awaitTermination()).as("stopped because of a failure").isTrue();
            } finally {
                if (service != null) {
                    service.close();
                } else {
                    starting.thenAccept(EmbedService::close);
                }
            }
        }
    }

    private static GenericRecord feature(Schema schema, String id) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("id", id);
        List<Float> f = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            f.add(i / 12f);
        }
        record.put("features", f);
        if (schema.getField("attributes") != null) {
            record.put("attributes", Map.of());
        }
        return record;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
