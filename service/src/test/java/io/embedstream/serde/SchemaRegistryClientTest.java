package io.embedstream.serde;

import static io.embedstream.testing.StubHttpServer.Response.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.throwable;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.config.RegistryConfig;
import io.embedstream.config.RegistrySslConfig;
import io.embedstream.config.SubjectNaming;
import io.embedstream.testing.SampleRecords;
import io.embedstream.testing.StubHttpServer;
import io.embedstream.testing.StubHttpServer.Request;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.junit.jupiter.api.Test;

/** The REST client against scripted servers: retries, back-off, auth, error mapping, caching, escaping. */
class SchemaRegistryClientTest {
    private static final Schema SCHEMA = SampleRecords.simpleSchema("Counter");
    private static final String SCHEMA_ANSWER =
            "{\"schema\":" + new ObjectMapper().valueToTree(SCHEMA.toString()) + "}";

    private static SchemaRegistryClient client(String url, int maxRetries) {
        return new SchemaRegistryClient(new RegistryConfig(url, null, true, 2_000, maxRetries, 20));
    }

    @Test
    void shouldRetry5xxAnswersThenSucceed() {
        try (StubHttpServer server = StubHttpServer.start(
                of(503, "{\"error_code\":50301,\"message\":\"busy\"}"), of(500, ""), of(200, "{\"id\":7}"))) {
            int id = client(server.url(), 3).register("counters-value", SCHEMA);

            assertThat(id).isEqualTo(7);
            assertThat(server.requests()).hasSize(3)
                    .allSatisfy(r -> assertThat(r.path()).isEqualTo("/subjects/counters-value/versions"));
        }
    }

    @Test
    void shouldGiveUpAfterMaxRetriesOn5xx() {
        try (StubHttpServer server = StubHttpServer.start(of(503, "{\"error_code\":50301,\"message\":\"busy\"}"))) {
            assertThatThrownBy(() -> client(server.url(), 2).schemaById(1))
                    .asInstanceOf(throwable(SchemaRegistryException.class))
                    .satisfies(e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.errorCode()).hasValue(50301);
                        assertThat(e.registryMessage()).isEqualTo("busy");
                        assertThat(e.url()).isEqualTo("GET " + server.url() + "/schemas/ids/1");
                    })
                    .hasMessage("Schema registry GET " + server.url() + "/schemas/ids/1 failed after 3 attempts: "
                            + "HTTP 503, error_code 50301: busy");
            assertThat(server.requests()).hasSize(3);
        }
    }

    @Test
    void shouldNotRetry4xxAnswers() {
        try (StubHttpServer server = StubHttpServer.start(
                of(404, "{\"error_code\":40401,\"message\":\"Subject 'x-value' not found.\"}"))) {
            assertThatThrownBy(() -> client(server.url(), 5).latest("x-value"))
                    .asInstanceOf(throwable(SchemaRegistryException.class))
                    .satisfies(e -> {
                        assertThat(e.status()).isEqualTo(404);
                        assertThat(e.errorCode()).hasValue(RegistryErrorCodes.SUBJECT_NOT_FOUND);
                        assertThat(e.isNotFound()).isTrue();
                    })
                    .hasMessage("Schema registry GET " + server.url() + "/subjects/x-value/versions/latest failed: "
                            + "HTTP 404, error_code 40401: Subject 'x-value' not found.");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void shouldNotRetryRejectedSchemas() {
        try (StubHttpServer server = StubHttpServer.start(of(409, "{\"error_code\":409,\"message\":\"incompatible\"}"))) {
            assertThatThrownBy(() -> client(server.url(), 5).register("x-value", SCHEMA))
                    .asInstanceOf(throwable(SchemaRegistryException.class))
                    .satisfies(e -> assertThat(e.errorCode()).hasValue(RegistryErrorCodes.INCOMPATIBLE_SCHEMA));
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void shouldRetryAfterATimeout() {
        try (StubHttpServer server = StubHttpServer.start(of(200, "{\"id\":3}").delayedBy(2_000), of(200, "{\"id\":3}"))) {
            SchemaRegistryClient client = new SchemaRegistryClient(
                    new RegistryConfig(server.url(), null, true, 300, 2, 10));

            assertThat(client.register("x-value", SCHEMA)).isEqualTo(3);
            assertThat(server.requests()).hasSize(2);
        }
    }

    @Test
    void shouldReportTimeoutsWithTheirCause() {
        try (StubHttpServer server = StubHttpServer.start(of(200, "{\"id\":3}").delayedBy(2_000))) {
            SchemaRegistryClient client = new SchemaRegistryClient(
                    new RegistryConfig(server.url(), null, true, 200, 0, 10));

            assertThatThrownBy(() -> client.register("x-value", SCHEMA))
                    .asInstanceOf(throwable(SchemaRegistryException.class))
                    .satisfies(e -> assertThat(e.status()).isZero())
                    .hasMessageContaining("failed after 1 attempt(s): no answer within 200 ms (registry.timeout-ms): the "
                            + "registry took the connection but did not respond")
                    .hasCauseInstanceOf(HttpTimeoutException.class);
        }
    }

    @Test
    void shouldRetryRefusedConnectionsUntilTheRegistryIsUp() throws Exception {
        int port = StubHttpServer.freePort();
        AtomicReference<StubHttpServer> late = new AtomicReference<>();
        CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> {
            sleep(300);
            late.set(StubHttpServer.start(port, request -> of(200, SCHEMA_ANSWER)));
        });
        try {
            // Back-off 50, 100, 200, 400, 800 ms: well past the 300 ms start-up.
            SchemaRegistryClient client = new SchemaRegistryClient(
                    new RegistryConfig("http://127.0.0.1:" + port, null, true, 2_000, 6, 50));

            assertThat(client.schemaById(12)).isEqualTo(SCHEMA);
        } finally {
            starting.get(5, TimeUnit.SECONDS);
            late.get().close();
        }
        assertThat(late.get().requests()).hasSize(1);
    }

    @Test
    void shouldReportRefusedConnectionsAfterRetries() {
        int port = StubHttpServer.freePort();
        long started = System.nanoTime();

        assertThatThrownBy(() -> client("http://127.0.0.1:" + port, 2).subjects())
                .asInstanceOf(throwable(SchemaRegistryException.class))
                .satisfies(e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.errorCode()).isEmpty();
                    assertThat(e.url()).isEqualTo("GET http://127.0.0.1:" + port + "/subjects");
                })
                .hasMessageStartingWith("Schema registry GET http://127.0.0.1:" + port + "/subjects failed after 3"
                        + " attempt(s): connection refused (is a registry listening at this address?)")
                .hasCauseInstanceOf(ConnectException.class);
        // Two back-offs: 20 ms then 40 ms.
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(60);
    }

    @Test
    void shouldDoubleTheBackOffUpToACap() {
        RegistryHttp http = new RegistryHttp(new ObjectMapper(), RegistryEndpoint.of("http://h", null), null, 1000, 20,
                200);

        assertThat(http.backoffMs(1)).isEqualTo(200);
        assertThat(http.backoffMs(2)).isEqualTo(400);
        assertThat(http.backoffMs(3)).isEqualTo(800);
        assertThat(http.backoffMs(12)).isEqualTo(30_000);
    }

    @Test
    void shouldSendBasicAuthHeader() {
        String expected = "Basic " + Base64.getEncoder().encodeToString("alice:s3cr:et".getBytes(StandardCharsets.UTF_8));
        try (StubHttpServer server = StubHttpServer.start(0, request -> expected.equals(request.header("Authorization"))
                ? of(200, "[\"a-value\"]")
                : of(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}"))) {
            SchemaRegistryClient withAuth = new SchemaRegistryClient(
                    new RegistryConfig(server.url(), "alice:s3cr:et", true, 2_000, 0, 10));
            SchemaRegistryClient withoutAuth = client(server.url(), 3);

            assertThat(withAuth.subjects()).containsExactly("a-value");
            assertThatThrownBy(withoutAuth::subjects)
                    .asInstanceOf(throwable(SchemaRegistryException.class))
                    .satisfies(e -> assertThat(e.status()).isEqualTo(401));
            assertThat(server.requests()).hasSize(2);
        }
    }

    @Test
    void shouldSendTheBearerTokenAsConfluentsClientSendsIt() throws Exception {
        try (StubHttpServer server = StubHttpServer.start(of(200, "[\"a-value\"]"))) {
            SchemaRegistryClient ours = new SchemaRegistryClient(new RegistryConfig(server.url(), null, "eyJ0eXAi.t0k3n",
                    SubjectNaming.TOPIC, true, 2_000, 0, 10, RegistrySslConfig.none()));
            CachedSchemaRegistryClient confluent = new CachedSchemaRegistryClient(server.url(), 10, Map.of(
                    "bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", "eyJ0eXAi.t0k3n"));

            assertThat(ours.subjects()).containsExactly("a-value");
            assertThat(confluent.getAllSubjects()).containsExactly("a-value");
            assertThat(server.requests()).extracting(r -> r.header("Authorization"))
                    .containsExactly("Bearer eyJ0eXAi.t0k3n", "Bearer eyJ0eXAi.t0k3n");
            assertThat(ours.toString()).doesNotContain("t0k3n");
        }
    }

    @Test
    void shouldTakeCredentialsFromTheUrlAndNeverShowThem() {
        String expected = "Basic " + Base64.getEncoder().encodeToString("bob:hunter2".getBytes(StandardCharsets.UTF_8));
        try (StubHttpServer server = StubHttpServer.start(of(404, "{\"error_code\":40403,\"message\":\"nope\"}"))) {
            String url = "http://bob:hunter2@127.0.0.1:" + server.port() + "/apis/ccompat/v7/";
            SchemaRegistryClient client = client(url, 0);

            assertThat(client.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/apis/ccompat/v7");
            assertThatThrownBy(() -> client.schemaById(5))
                    .asInstanceOf(throwable(SchemaRegistryException.class))
                    .satisfies(e -> assertThat(e.url()).doesNotContain("hunter2"))
                    .message().doesNotContain("hunter2").doesNotContain("bob");
            Request request = server.requests().get(0);
            assertThat(request.header("Authorization")).isEqualTo(expected);
            assertThat(request.path()).isEqualTo("/apis/ccompat/v7/schemas/ids/5");
        }
    }

    @Test
    void shouldPostTheSchemaAsConfluentJsonAndEscapeSubjects() throws Exception {
        try (StubHttpServer server = StubHttpServer.start(of(200, "{\"id\":21}"))) {
            client(server.url(), 0).register("my topic/ä-value", SCHEMA);

            Request request = server.requests().get(0);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/subjects/my%20topic%2F%C3%A4-value/versions");
            assertThat(request.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
            assertThat(request.header("Accept")).startsWith("application/vnd.schemaregistry.v1+json");
            assertThat(new ObjectMapper().readTree(request.body()).get("schema").asText()).isEqualTo(SCHEMA.toString());
        }
    }

    @Test
    void shouldCacheSchemasByIdAndRegistrations() {
        try (StubHttpServer server = StubHttpServer.start(0, request -> request.path().startsWith("/schemas")
                ? of(200, SCHEMA_ANSWER)
                : of(200, "{\"id\":4}"))) {
            SchemaRegistryClient client = client(server.url(), 0);

            assertThat(client.schemaById(9)).isEqualTo(SCHEMA);
            assertThat(client.schemaById(9)).isEqualTo(SCHEMA);
            assertThat(client.register("a-value", SCHEMA)).isEqualTo(4);
            assertThat(client.register("a-value", SCHEMA)).isEqualTo(4);
            assertThat(client.schemaById(4)).isEqualTo(SCHEMA);

            assertThat(server.requests()).extracting(Request::path)
                    .containsExactly("/schemas/ids/9", "/subjects/a-value/versions");
        }
    }

    @Test
    void shouldAnswerLookupOfUnknownSchemaWithEmpty() {
        try (StubHttpServer server = StubHttpServer.start(
                of(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}"),
                of(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}"),
                of(200, "{\"subject\":\"a-value\",\"version\":3,\"id\":8,\"schema\":\"\\\"string\\\"\"}"))) {
            SchemaRegistryClient client = client(server.url(), 0);

            assertThat(client.lookup("a-value", SCHEMA)).isEmpty();
            assertThat(client.lookup("a-value", SCHEMA)).isEmpty();
            assertThat(client.lookup("a-value", SCHEMA)).contains(new RegisteredSchema("a-value", 3, 8, SCHEMA));
            assertThat(server.requests()).extracting(Request::method, Request::path)
                    .containsOnly(org.assertj.core.groups.Tuple.tuple("POST", "/subjects/a-value"));
        }
    }

    @Test
    void shouldReadCompatibilityAnswersOfConfluentAndApicurio() {
        try (StubHttpServer server = StubHttpServer.start(
                of(200, "{\"is_compatible\":false,\"messages\":[\"field b has no default\"]}"),
                of(200, "{\"is_compatible\":false,\"reason\":\"Incompatible artifact: b at /fields/1\"}"),
                of(200, "{\"is_compatible\":true}"),
                of(404, "{\"error_code\":40402,\"message\":\"No version 'latest' found\"}"))) {
            SchemaRegistryClient client = client(server.url(), 0);

            assertThat(client.compatibilityProblems("a-value", SCHEMA)).containsExactly("field b has no default");
            assertThat(client.compatibilityProblems("a-value", SCHEMA))
                    .containsExactly("Incompatible artifact: b at /fields/1");
            assertThat(client.isCompatible("a-value", SCHEMA)).isTrue();
            assertThat(client.isCompatible("new-value", SCHEMA)).isTrue();
            assertThat(server.requests().get(0).path()).isEqualTo("/compatibility/subjects/a-value/versions/latest");
            assertThat(server.requests().get(0).query()).isEqualTo("verbose=true");
        }
    }

    @Test
    void shouldFallBackToTheGlobalLevelWhenASubjectHasNone() {
        try (StubHttpServer server = StubHttpServer.start(
                of(404, "{\"error_code\":40408,\"message\":\"Subject 'a-value' does not have subject-level compatibility configured\"}"),
                of(200, "{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}"),
                of(200, "{\"compatibility\":\"NONE\"}"))) {
            SchemaRegistryClient client = client(server.url(), 0);

            assertThat(client.compatibility("a-value")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
            client.setCompatibility("a-value", CompatibilityLevel.NONE);

            assertThat(server.requests()).extracting(Request::method, Request::path).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("GET", "/config/a-value"),
                    org.assertj.core.groups.Tuple.tuple("GET", "/config"),
                    org.assertj.core.groups.Tuple.tuple("PUT", "/config/a-value"));
            assertThat(server.requests().get(0).query()).isEqualTo("defaultToGlobal=true");
            assertThat(server.requests().get(2).body()).isEqualTo("{\"compatibility\":\"NONE\"}");
        }
    }

    @Test
    void shouldExplainAnswersThatAreNotFromARegistry() {
        try (StubHttpServer server = StubHttpServer.start(of(200, "<html>Welcome to nginx</html>"),
                of(200, "{\"hello\":\"world\"}"))) {
            SchemaRegistryClient client = client(server.url(), 0);

            assertThatThrownBy(() -> client.schemaById(1))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("with a body that is not JSON (is the URL a Confluent-compatible registry?)")
                    .hasMessageContaining("<html>Welcome to nginx</html>");
            assertThatThrownBy(() -> client.schemaById(2))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("answered schema id 2 without a valid 'schema' field");
        }
    }

    @Test
    void shouldRefuseNonAvroSchemas() {
        try (StubHttpServer server = StubHttpServer.start(
                of(200, "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}"))) {
            assertThatThrownBy(() -> client(server.url(), 0).schemaById(6))
                    .asInstanceOf(throwable(SchemaRegistryException.class))
                    .satisfies(e -> assertThat(e.errorCode()).hasValue(RegistryErrorCodes.INVALID_SCHEMA))
                    .hasMessageContaining("schema id 6 is a PROTOBUF schema; only AVRO is supported");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
