package io.embedstream.dev.registry;

import static io.embedstream.testing.SampleRecords.featureRecord;
import static io.embedstream.testing.SampleRecords.simpleSchema;
import static io.embedstream.testing.SampleRecords.simpleSchemaWithOptionalNote;
import static io.embedstream.testing.SampleRecords.simpleSchemaWithRequiredExtra;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.throwable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.RegistryConfig;
import io.embedstream.serde.CompatibilityLevel;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.ConfluentWireFormat;
import io.embedstream.serde.RegisteredSchema;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.serde.SchemaRegistryException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The embedded registry through our REST client and as raw HTTP (status, error bodies, content type). */
class EmbeddedSchemaRegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
    private final SchemaRegistryClient client = new SchemaRegistryClient(RegistryConfig.of(registry.url()));
    private final HttpClient http = HttpClient.newHttpClient();
    private final Schema v1 = simpleSchema("Counter");
    private final Schema v2 = simpleSchemaWithOptionalNote("Counter");

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void shouldListenOnAnEphemeralLoopbackPort() {
        assertThat(registry.url()).isEqualTo("http://127.0.0.1:" + registry.port());
        assertThat(registry.port()).isPositive();
    }

    @Test
    void shouldServeTheClientApi() {
        int id1 = client.register("counters-value", v1);
        int id2 = client.register("counters-value", v2);

        assertThat(client.register("counters-value", v1)).isEqualTo(id1);
        assertThat(client.register("other-value", v1)).isEqualTo(id1);
        assertThat(id2).isEqualTo(id1 + 1);
        assertThat(client.subjects()).containsExactly("counters-value", "other-value");
        assertThat(client.versions("counters-value")).containsExactly(1, 2);
        assertThat(client.latest("counters-value")).isEqualTo(new RegisteredSchema("counters-value", 2, id2, v2));
        assertThat(client.version("counters-value", 1)).isEqualTo(new RegisteredSchema("counters-value", 1, id1, v1));
        assertThat(client.lookup("counters-value", v2)).contains(new RegisteredSchema("counters-value", 2, id2, v2));
        assertThat(client.lookup("counters-value", simpleSchema("Other"))).isEmpty();
        assertThat(client.lookup("missing-value", v1)).isEmpty();
        assertThat(new SchemaRegistryClient(RegistryConfig.of(registry.url())).schemaById(id2)).isEqualTo(v2);
    }

    @Test
    void shouldCheckCompatibilityAndRejectIncompatibleSchemas() {
        client.register("counters-value", v1);
        Schema breaking = simpleSchemaWithRequiredExtra("Counter");

        assertThat(client.isCompatible("counters-value", v2)).isTrue();
        assertThat(client.isCompatible("counters-value", breaking)).isFalse();
        assertThat(client.compatibilityProblems("counters-value", breaking)).singleElement().asString()
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("extra");
        assertThat(client.isCompatible("brand-new-value", breaking)).isTrue();
        assertThatThrownBy(() -> client.register("counters-value", breaking))
                .asInstanceOf(throwable(SchemaRegistryException.class))
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).hasValue(409);
                });

        client.setCompatibility("counters-value", CompatibilityLevel.NONE);
        assertThat(client.compatibility("counters-value")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(client.register("counters-value", breaking)).isPositive();
    }

    @Test
    void shouldReadAndWriteCompatibilityLevels() {
        assertThat(client.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.compatibility("x-value")).isEqualTo(CompatibilityLevel.BACKWARD);

        client.setGlobalCompatibility(CompatibilityLevel.FORWARD);
        client.setCompatibility("y-value", CompatibilityLevel.FULL);

        assertThat(client.globalCompatibility()).isEqualTo(CompatibilityLevel.FORWARD);
        assertThat(client.compatibility("x-value")).isEqualTo(CompatibilityLevel.FORWARD);
        assertThat(client.compatibility("y-value")).isEqualTo(CompatibilityLevel.FULL);
        assertThat(registry.store().subjectCompatibility("y-value")).contains(CompatibilityLevel.FULL);
    }

    @Test
    void shouldCarryTheSerdeOverHttp() {
        ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(client, true);
        ConfluentAvroDeserializer<FeatureRecord> deserializer = ConfluentAvroDeserializer.specific(
                new SchemaRegistryClient(RegistryConfig.of(registry.url())), FeatureRecord.class);
        FeatureRecord record = featureRecord("http-1");

        byte[] bytes = serializer.serialize("features", record);

        assertThat(deserializer.deserialize("features", bytes)).isEqualTo(record);
        assertThat(ConfluentWireFormat.schemaId(bytes))
                .isEqualTo(registry.store().latest("features-value").id());
    }

    @Test
    void shouldAnswerWithConfluentBodiesAndContentType() throws Exception {
        int id = client.register("counters-value", v1);

        HttpResponse<String> byId = send("GET", "/schemas/ids/" + id, null);
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(byId.headers().firstValue("Content-Type")).contains("application/vnd.schemaregistry.v1+json");
        assertThat(JSON.readTree(byId.body()).get("schema").asText()).isEqualTo(v1.toString());

        HttpResponse<String> raw = send("GET", "/schemas/ids/" + id + "/schema", null);
        assertThat(new Schema.Parser().parse(raw.body())).isEqualTo(v1);
        assertThat(new Schema.Parser().parse(send("GET", "/subjects/counters-value/versions/1/schema", null).body()))
                .isEqualTo(v1);
        assertThat(JSON.readTree(send("POST", "/subjects/counters-value/versions", schemaBody(v1)).body()))
                .isEqualTo(JSON.readTree("{\"id\":" + id + "}"));
        assertThat(JSON.readTree(send("GET", "/subjects/counters-value/versions/latest", null).body()))
                .isEqualTo(JSON.createObjectNode().put("subject", "counters-value").put("version", 1).put("id", id)
                        .put("schema", v1.toString()));
        assertThat(send("GET", "/schemas/types", null).body()).isEqualTo("[\"AVRO\"]");
        assertThat(send("GET", "/", null).body()).isEqualTo("{}");
        assertThat(send("GET", "/config", null).body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    }

    @Test
    void shouldAnswerErrorsWithConfluentCodes() throws Exception {
        client.register("counters-value", v1);

        assertError(send("GET", "/schemas/ids/999", null), 404, 40403);
        assertError(send("GET", "/subjects/missing-value/versions/latest", null), 404, 40401);
        assertError(send("GET", "/subjects/missing-value/versions", null), 404, 40401);
        assertError(send("GET", "/subjects/counters-value/versions/7", null), 404, 40402);
        assertError(send("GET", "/subjects/counters-value/versions/zero", null), 422, 42202);
        assertError(send("POST", "/subjects/counters-value", schemaBody(v2)), 404, 40403);
        assertError(send("POST", "/subjects/missing-value", schemaBody(v2)), 404, 40401);
        assertError(send("POST", "/subjects/counters-value/versions", schemaBody(simpleSchemaWithRequiredExtra("Counter"))),
                409, 409);
        assertError(send("POST", "/subjects/counters-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"recrod\\\"}\"}"),
                422, 42201);
        assertError(send("POST", "/subjects/counters-value/versions", "{\"schema\":\"{}\",\"schemaType\":\"PROTOBUF\"}"),
                422, 42201);
        assertError(send("POST", "/subjects/counters-value/versions", "{not json"), 400, 400);
        assertError(send("POST", "/compatibility/subjects/missing-value/versions/3", schemaBody(v1)), 404, 40401);
        assertError(send("GET", "/config/counters-value", null), 404, 40408);
        assertError(send("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
        assertError(send("GET", "/nothing/here", null), 404, 404);
        assertError(send("DELETE", "/subjects", null), 405, 405);

        JsonNode missing = JSON.readTree(send("GET", "/subjects/missing-value/versions/latest", null).body());
        assertThat(missing.get("message").asText()).isEqualTo("Subject 'missing-value' not found");
    }

    @Test
    void shouldFollowConfluentConfigSemantics() throws Exception {
        assertThat(send("GET", "/config/a-value?defaultToGlobal=true", null).body())
                .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        assertThat(send("PUT", "/config/a-value", "{\"compatibility\":\"full\"}").body())
                .isEqualTo("{\"compatibility\":\"FULL\"}");
        assertThat(send("GET", "/config/a-value", null).body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
        String verbose = send("POST", "/compatibility/subjects/a-value/versions?verbose=true", schemaBody(v1)).body();
        assertThat(JSON.readTree(verbose)).isEqualTo(JSON.readTree("{\"is_compatible\":true,\"messages\":[]}"));
    }

    @Test
    void shouldReleaseThePortWhenClosed() {
        int port = registry.port();
        registry.close();
        registry.close();

        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry.url() + path));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static void assertError(HttpResponse<String> response, int status, int errorCode) throws IOException {
        assertThat(response.statusCode()).as(response.uri() + " status").isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error_code").asInt()).as(response.uri() + " error_code").isEqualTo(errorCode);
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(response.headers().firstValue("Content-Type")).contains("application/vnd.schemaregistry.v1+json");
    }
}
