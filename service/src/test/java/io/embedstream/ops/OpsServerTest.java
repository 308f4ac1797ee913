package io.embedstream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.config.ConfigException;
import io.embedstream.config.OpsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP endpoint on a real socket, with a real Prometheus registry and a {@link Health} driven by hand. */
class OpsServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Health health = new Health();
    private OpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServePrometheusTextOnAFreePort() throws Exception {
        Counter.builder("embedstream.records.received").register(registry).increment(3);
        server = OpsServer.start(new OpsConfig(true, 0, "127.0.0.1"), registry, health);

        assertThat(server.port()).isPositive();
        assertThat(server.baseUri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.body()).contains("# TYPE embedstream_records_received_total counter")
                .contains("embedstream_records_received_total 3.0");
    }

    @Test
    void shouldReportReadinessThroughStartRebalanceAndFatalErrorWithReasons() throws Exception {
        server = OpsServer.start(new OpsConfig(true, 0, "127.0.0.1"), registry, health);

        HttpResponse<String> starting = get("/health/ready");
        assertThat(starting.statusCode()).isEqualTo(503);
        assertThat(starting.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = JSON.readTree(starting.body());
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.get("reason").asText()).isEqualTo("the model is not warmed up yet (loading)");
        assertThat(get("/health/live").statusCode()).as("starting is alive").isEqualTo(200);

        health.modelReady("warmed up (zero batch [64, 12] in 3 ms)");
        health.streamsState(KafkaStreams.State.REBALANCING);
        JsonNode rebalancing = JSON.readTree(get("/health/ready").body());
        assertThat(rebalancing.get("reason").asText()).contains("REBALANCING");
        assertThat(rebalancing.get("checks").get("model").asText()).startsWith("warmed up");

        health.streamsState(KafkaStreams.State.RUNNING);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).get("status").asText()).isEqualTo("UP");
        assertThat(JSON.readTree(ready.body()).get("checks").get("streams").asText()).isEqualTo("RUNNING");

        health.fatal("a stream thread failed: SchemaRegistryException: registry down");
        health.streamsState(KafkaStreams.State.PENDING_ERROR);
        HttpResponse<String> failed = get("/health/ready");
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(failed.body()).get("reason").asText())
                .isEqualTo("fatal error: a stream thread failed: SchemaRegistryException: registry down");
        HttpResponse<String> dead = get("/health/live");
        assertThat(dead.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(dead.body()).get("checks").get("fatal").asText()).contains("registry down");
    }

    @Test
    void shouldAnswerNotReadyButAliveWhileShuttingDown() throws Exception {
        server = OpsServer.start(new OpsConfig(true, 0, "127.0.0.1"), registry, health);
        health.modelReady("warmed up");
        health.streamsState(KafkaStreams.State.RUNNING);
        health.stopping();
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(get("/health/ready").body()).get("reason").asText()).isEqualTo("shutting down");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseOtherPathsAndMethods() throws Exception {
        server = OpsServer.start(new OpsConfig(true, 0, "127.0.0.1"), registry, health);
        HttpResponse<String> missing = get("/metricsx");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("/metrics", "/health/live", "/health/ready");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/health/live"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void shouldNameThePortKeyWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> OpsServer.start(new OpsConfig(true, taken.getLocalPort(), "127.0.0.1"), registry,
                    health))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("ops.port: cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("ops.enabled: false");
        }
        assertThatThrownBy(() -> OpsServer.start(new OpsConfig(true, 0, "no-such-host.invalid"), registry, health))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ops.bind-address: 'no-such-host.invalid' is not valid");
    }
}
