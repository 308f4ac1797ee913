package io.embedstream.dev.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.embedstream.serde.CompatibilityLevel;
import io.embedstream.dev.registry.InMemorySchemaRegistry;
import io.embedstream.serde.RegisteredSchema;
import io.embedstream.serde.RegistryErrorCodes;
import io.embedstream.serde.SchemaRegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the subset of the Confluent schema-registry REST API that serializers, deserializers and
 * registry clients use, on top of an {@link InMemorySchemaRegistry}. Routes:
 *
 * <pre>
 * GET  /                                             {}
 * GET  /subjects                                     ["a-value", ...]
 * POST /subjects/{s}                                 lookup            {"subject","version","id","schema"}
 * GET  /subjects/{s}/versions                        [1, 2]
 * POST /subjects/{s}/versions                        register          {"id": n}
 * GET  /subjects/{s}/versions/{v|latest}[/schema]    {"subject","version","id","schema"} | the schema itself
 * GET  /schemas/ids/{id}[/schema]                    {"schema": "..."} | the schema itself
 * GET  /schemas/types                                ["AVRO"]
 * POST /compatibility/subjects/{s}/versions[/{v|latest}][?verbose=true]   {"is_compatible": b[, "messages"]}
 * GET  /config[/{s}][?defaultToGlobal=true]          {"compatibilityLevel": "BACKWARD"}
 * PUT  /config[/{s}]                                 {"compatibility": "FULL"}
 * </pre>
 *
 * Errors are Confluent bodies {@code {"error_code": 40401, "message": "..."}}. Query parameters that
 * Confluent's client adds ({@code normalize}, {@code deleted}, {@code fetchMaxId}...) are accepted and
 * ignored. Only Avro schemas without references are supported. Thread-safe (the store is).
 */
final class ConfluentApiHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(ConfluentApiHandler.class);
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final ObjectMapper json = new ObjectMapper();
    private final InMemorySchemaRegistry store;

    private record Response(int status, JsonNode body) {}

    private record Request(String method, List<String> path, Map<String, String> query, JsonNode body) {
        boolean flag(String name) {
            return "true".equalsIgnoreCase(query.get(name));
        }
    }

    ConfluentApiHandler(InMemorySchemaRegistry store) {
        this.store = store;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response;
            try {
                response = route(read(exchange));
            } catch (ApiError e) {
                response = error(e.status(), e.errorCode(), e.getMessage());
            } catch (SchemaRegistryException e) {
                response = error(e.status(), e.errorCode().orElse(e.status()), e.registryMessage());
            } catch (RuntimeException e) {
                log.error("Embedded schema registry failed on {} {}", exchange.getRequestMethod(),
                        exchange.getRequestURI(), e);
                response = error(500, RegistryErrorCodes.INTERNAL_ERROR, "Internal error: " + e);
            }
            log.debug("{} {} -> {}", exchange.getRequestMethod(), exchange.getRequestURI(), response.status());
            byte[] bytes = json.writeValueAsBytes(response.body());
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(response.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private Response route(Request request) {
        List<String> p = request.path();
        String method = request.method();
        if (p.isEmpty()) {
            return on(method, "GET", () -> ok(json.createObjectNode()));
        }
        switch (p.get(0)) {
            case "subjects":
                return subjects(request, p);
            case "schemas":
                return schemas(request, p);
            case "compatibility":
                if (p.size() >= 4 && p.size() <= 5 && p.get(1).equals("subjects") && p.get(3).equals("versions")) {
                    return on(method, "POST", () -> compatibility(request, p.get(2),
                            p.size() == 5 ? Optional.of(p.get(4)) : Optional.empty()));
                }
                break;
            case "config":
                if (p.size() <= 2) {
                    String subject = p.size() == 2 ? p.get(1) : null;
                    return method.equals("PUT") ? setConfig(request, subject)
                            : on(method, "GET", () -> getConfig(request, subject));
                }
                break;
            default:
                break;
        }
        throw notFound(request);
    }

    private Response subjects(Request request, List<String> p) {
        String method = request.method();
        switch (p.size()) {
            case 1:
                return on(method, "GET", () -> ok(strings(store.subjects())));
            case 2:
                return on(method, "POST", () -> registered(store.lookupOrThrow(p.get(1), schemaOf(request))));
            case 3:
                if (!p.get(2).equals("versions")) {
                    break;
                }
                if (method.equals("POST")) {
                    ObjectNode id = json.createObjectNode().put("id", store.register(p.get(1), schemaOf(request)));
                    return ok(id);
                }
                return on(method, "GET", () -> ok(ints(store.versions(p.get(1)))));
            case 4:
            case 5:
                if (!p.get(2).equals("versions") || (p.size() == 5 && !p.get(4).equals("schema"))) {
                    break;
                }
                return on(method, "GET", () -> {
                    RegisteredSchema found = version(p.get(1), p.get(3));
                    return p.size() == 5 ? ok(rawSchema(found.schema())) : registered(found);
                });
            default:
                break;
        }
        throw notFound(request);
    }

    private Response schemas(Request request, List<String> p) {
        if (p.size() == 2 && p.get(1).equals("types")) {
            return on(request.method(), "GET", () -> ok(strings(List.of("AVRO"))));
        }
        if ((p.size() == 3 || (p.size() == 4 && p.get(3).equals("schema"))) && p.get(1).equals("ids")) {
            return on(request.method(), "GET", () -> {
                Schema schema = store.schemaById(schemaId(p.get(2)));
                return ok(p.size() == 4 ? rawSchema(schema)
                        : json.createObjectNode().put("schema", schema.toString()));
            });
        }
        throw notFound(request);
    }

    private Response compatibility(Request request, String subject, Optional<String> version) {
        Schema schema = schemaOf(request);
        List<String> problems;
        if (version.isEmpty() || isLatest(version.get())) {
            problems = store.compatibilityProblems(subject, schema);
        } else {
            problems = store.compatibilityProblems(subject, versionNumber(version.get()), schema);
        }
        ObjectNode answer = json.createObjectNode().put("is_compatible", problems.isEmpty());
        if (request.flag("verbose")) {
            answer.set("messages", strings(problems));
        }
        return ok(answer);
    }

    private Response getConfig(Request request, String subject) {
        CompatibilityLevel level;
        if (subject == null) {
            level = store.globalCompatibility();
        } else {
            Optional<CompatibilityLevel> own = store.subjectCompatibility(subject);
            if (own.isEmpty() && !request.flag("defaultToGlobal")) {
                throw new ApiError(404, RegistryErrorCodes.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                        "Subject '" + subject + "' does not have subject-level compatibility configured");
            }
            level = own.orElseGet(store::globalCompatibility);
        }
        return ok(json.createObjectNode().put("compatibilityLevel", level.name()));
    }

    private Response setConfig(Request request, String subject) {
        JsonNode value = request.body() == null ? null : request.body().get("compatibility");
        CompatibilityLevel level;
        try {
            level = CompatibilityLevel.parse(value == null ? null : value.asText());
        } catch (IllegalArgumentException e) {
            throw new ApiError(422, RegistryErrorCodes.INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level: "
                    + e.getMessage());
        }
        if (subject == null) {
            store.setGlobalCompatibility(level);
        } else {
            store.setCompatibility(subject, level);
        }
        return ok(json.createObjectNode().put("compatibility", level.name()));
    }

    private RegisteredSchema version(String subject, String version) {
        return isLatest(version) ? store.latest(subject) : store.version(subject, versionNumber(version));
    }

    private Response registered(RegisteredSchema schema) {
        ObjectNode node = json.createObjectNode();
        node.put("subject", schema.subject());
        node.put("version", schema.version());
        node.put("id", schema.id());
        node.put("schema", schema.schema().toString());
        return ok(node);
    }

    private Schema schemaOf(Request request) {
        JsonNode body = request.body();
        JsonNode text = body == null ? null : body.get("schema");
        if (text == null || !text.isTextual() || text.asText().isBlank()) {
            throw new ApiError(422, RegistryErrorCodes.INVALID_SCHEMA,
                    "Invalid schema: the request body must be {\"schema\": \"<Avro schema as a JSON string>\"}");
        }
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equalsIgnoreCase("AVRO")) {
            throw new ApiError(422, RegistryErrorCodes.INVALID_SCHEMA,
                    "Invalid schema: schemaType " + type + " is not supported; this registry supports AVRO");
        }
        if (body.path("references").size() > 0) {
            throw new ApiError(422, RegistryErrorCodes.INVALID_SCHEMA,
                    "Invalid schema: schema references are not supported by the embedded registry");
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (AvroRuntimeException e) {
            throw new ApiError(422, RegistryErrorCodes.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
        }
    }

    private JsonNode rawSchema(Schema schema) {
        try {
            return json.readTree(schema.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Avro wrote a schema that is not JSON: " + schema, e);
        }
    }

    private static boolean isLatest(String version) {
        return version.equals("latest") || version.equals("-1");
    }

    private static int versionNumber(String version) {
        try {
            int number = Integer.parseInt(version);
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new ApiError(422, RegistryErrorCodes.INVALID_VERSION, "The specified version '" + version
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    private static int schemaId(String id) {
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw new ApiError(404, RegistryErrorCodes.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
    }

    private Request read(HttpExchange exchange) {
        URI uri = exchange.getRequestURI();
        List<String> path = new ArrayList<>();
        for (String segment : uri.getRawPath().split("/")) {
            if (!segment.isEmpty()) {
                path.add(decode(segment));
            }
        }
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                query.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return new Request(exchange.getRequestMethod(), path, query, body(exchange));
    }

    private JsonNode body(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                return null;
            }
            return json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ApiError(400, 400, "Malformed JSON request body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiError(400, 400, "Could not read the request body: " + e.getMessage());
        }
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private Response on(String method, String allowed, Supplier<Response> action) {
        if (!method.equals(allowed)) {
            throw new ApiError(405, 405, "HTTP method " + method + " not allowed here; use " + allowed);
        }
        return action.get();
    }

    private static ApiError notFound(Request request) {
        return new ApiError(404, 404, "No such endpoint: " + request.method() + " /" + String.join("/", request.path()));
    }

    private Response ok(JsonNode body) {
        return new Response(200, body);
    }

    private Response error(int status, int errorCode, String message) {
        ObjectNode body = json.createObjectNode();
        body.put("error_code", errorCode);
        body.put("message", message);
        return new Response(status, body);
    }

    private ArrayNode strings(List<String> values) {
        ArrayNode array = json.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private ArrayNode ints(List<Integer> values) {
        ArrayNode array = json.createArrayNode();
        values.forEach(array::add);
        return array;
    }
}
