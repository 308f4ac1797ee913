package io.embedstream.serde;

import static io.embedstream.serde.RegistryEndpoint.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedstream.config.RegistryConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A REST client for the Confluent schema-registry API, for Avro schemas. It works against Confluent
 * Schema Registry (base URL = its root, e.g. {@code http://localhost:8081}), Apicurio's
 * Confluent-compatible API ({@code http://host:port/apis/ccompat/v7}) and {@code EmbeddedSchemaRegistry}.
 *
 * <p>Authentication is basic auth ({@link RegistryConfig#basicAuth()} or credentials in the URL) or a bearer
 * token ({@link RegistryConfig#bearerToken()}); an {@code https://} registry is reached with the trust store and,
 * for mutual TLS, the key store of {@link RegistryConfig#ssl()}.
 *
 * <p>Caches what the registry never changes: id → schema and (subject, schema) → id. Other answers
 * (latest version, compatibility, config) are always fetched. Calls retry on connection failures,
 * timeouts and 5xx answers with exponential back-off ({@link RegistryConfig#maxRetries()},
 * {@link RegistryConfig#retryBackoffMs()}), never on 4xx; failures are {@link SchemaRegistryException}s
 * that name the method and URL (never the credentials).
 *
 * <p>Thread-safe; share one instance. It holds no resources that need closing.
 */
public final class SchemaRegistryClient implements SchemaRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryHttp http;
    private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final ConcurrentMap<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {}

    /**
     * @throws io.embedstream.config.ConfigException when a {@code registry.ssl.*} file cannot be read or opened
     */
    public SchemaRegistryClient(RegistryConfig config) {
        Objects.requireNonNull(config, "config");
        this.http = new RegistryHttp(JSON, RegistryEndpoint.of(config.url(), config.basicAuth(), config.bearerToken()),
                RegistryTls.context(config.ssl()), config.timeoutMs(), config.maxRetries(), config.retryBackoffMs());
    }

    /** The registry's base URL, without credentials. */
    public String url() {
        return http.baseUrl();
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(requireSubject(subject), Objects.requireNonNull(schema, "schema"));
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = http.post(subjectPath(subject) + "/versions", schemaBody(schema));
        int id = requiredInt(answer, "id", "register under subject '" + subject + "'");
        remember(key, id);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = http.get("/schemas/ids/" + id);
        Schema schema = parseSchema(answer, "schema id " + id);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return registered(http.get(subjectPath(subject) + "/versions/latest"), subject);
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, was " + version);
        }
        return registered(http.get(subjectPath(subject) + "/versions/" + version), subject);
    }

    /** {@inheritDoc} A 404 answer (subject or schema not found) means empty; other errors are thrown. */
    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(requireSubject(subject), Objects.requireNonNull(schema, "schema"));
        JsonNode answer;
        try {
            answer = http.post(subjectPath(subject), schemaBody(schema));
        } catch (SchemaRegistryException e) {
            if (e.hasErrorCode(RegistryErrorCodes.SUBJECT_NOT_FOUND)
                    || e.hasErrorCode(RegistryErrorCodes.SCHEMA_NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
        RegisteredSchema found = new RegisteredSchema(subject, requiredInt(answer, "version", "lookup"),
                requiredInt(answer, "id", "lookup"), schema);
        remember(key, found.id());
        return Optional.of(found);
    }

    /**
     * {@inheritDoc} Checks against the latest version. A subject that does not exist or has no
     * versions (40401/40402; Apicurio answers the latter) accepts any schema, as Confluent's registry says.
     */
    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return compatibilityProblems(subject, schema).isEmpty();
    }

    /**
     * Like {@link #isCompatible} but returns the registry's reasons ({@code messages} from Confluent,
     * {@code reason} from Apicurio); a single generic reason when the registry gives none.
     */
    public List<String> compatibilityProblems(String subject, Schema schema) {
        JsonNode answer;
        try {
            answer = http.post("/compatibility" + subjectPath(subject) + "/versions/latest?verbose=true",
                    schemaBody(Objects.requireNonNull(schema, "schema")));
        } catch (SchemaRegistryException e) {
            if (e.hasErrorCode(RegistryErrorCodes.SUBJECT_NOT_FOUND)
                    || e.hasErrorCode(RegistryErrorCodes.VERSION_NOT_FOUND)) {
                return List.of();
            }
            throw e;
        }
        JsonNode compatible = answer.get("is_compatible");
        if (compatible == null || !compatible.isBoolean()) {
            throw unexpected("compatibility check for subject '" + subject + "'", "is_compatible", answer);
        }
        if (compatible.asBoolean()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        answer.path("messages").forEach(m -> problems.add(m.asText()));
        if (answer.hasNonNull("reason")) {
            problems.add(answer.get("reason").asText());
        }
        if (problems.isEmpty()) {
            problems.add("incompatible with the latest version of subject '" + subject + "'");
        }
        return problems;
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        http.get("/subjects").forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        http.get(subjectPath(subject) + "/versions").forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    /**
     * {@inheritDoc} Asks with {@code defaultToGlobal=true}; a 404 (no subject-level setting, or an
     * unknown subject on Apicurio) falls back to the global level. Note that Apicurio reports
     * {@code NONE} for a subject without its own rule even when the global level applies.
     */
    @Override
    public CompatibilityLevel compatibility(String subject) {
        try {
            return level(http.get("/config/" + segment(requireSubject(subject)) + "?defaultToGlobal=true"));
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return globalCompatibility();
            }
            throw e;
        }
    }

    @Override
    public CompatibilityLevel globalCompatibility() {
        return level(http.get("/config"));
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        http.put("/config/" + segment(requireSubject(subject)), levelBody(level));
    }

    @Override
    public void setGlobalCompatibility(CompatibilityLevel level) {
        http.put("/config", levelBody(level));
    }

    @Override
    public String toString() {
        return "SchemaRegistryClient[" + url() + "]";
    }

    private void remember(SubjectSchema key, int id) {
        idsBySubjectSchema.putIfAbsent(key, id);
        schemasById.putIfAbsent(id, key.schema());
    }

    private RegisteredSchema registered(JsonNode answer, String subject) {
        String what = "subject '" + subject + "'";
        int id = requiredInt(answer, "id", what);
        Schema schema = schemasById.computeIfAbsent(id, i -> parseSchema(answer, what));
        return new RegisteredSchema(answer.path("subject").asText(subject), requiredInt(answer, "version", what), id,
                schema);
    }

    private static ObjectNode schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body;
    }

    private static ObjectNode levelBody(CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode();
        body.put("compatibility", Objects.requireNonNull(level, "level").name());
        return body;
    }

    private CompatibilityLevel level(JsonNode answer) {
        JsonNode level = answer.hasNonNull("compatibilityLevel") ? answer.get("compatibilityLevel")
                : answer.get("compatibility");
        if (level == null || !level.isTextual()) {
            throw unexpected("config", "compatibilityLevel", answer);
        }
        try {
            return CompatibilityLevel.parse(level.asText());
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException(200, -1, null, url(), "Schema registry " + url()
                    + " reported an unknown compatibility level: " + e.getMessage(), e);
        }
    }

    private Schema parseSchema(JsonNode answer, String what) {
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw unexpected(what, "schema", answer);
        }
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException(200, RegistryErrorCodes.INVALID_SCHEMA, null, url(),
                    "Schema registry " + url() + ": " + what + " is a " + type + " schema; only AVRO is supported",
                    null);
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(200, RegistryErrorCodes.INVALID_SCHEMA, null, url(),
                    "Schema registry " + url() + ": " + what + " is not a valid Avro schema: " + e.getMessage(), e);
        }
    }

    private int requiredInt(JsonNode answer, String field, String what) {
        JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw unexpected(what, field, answer);
        }
        return value.asInt();
    }

    private SchemaRegistryException unexpected(String what, String field, JsonNode answer) {
        String body = answer.toString();
        return new SchemaRegistryException(200, -1, null, url(), "Schema registry " + url() + " answered " + what
                + " without a valid '" + field + "' field (is the URL a Confluent-compatible API?): "
                + (body.length() > 300 ? body.substring(0, 300) + "..." : body), null);
    }

    private static String subjectPath(String subject) {
        return "/subjects/" + segment(requireSubject(subject));
    }

    private static String requireSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank, was '" + subject + "'");
        }
        return subject;
    }
}
