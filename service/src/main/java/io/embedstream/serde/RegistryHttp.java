package io.embedstream.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends JSON requests to a Confluent-style registry: basic or bearer auth, TLS with the configured
 * {@link SSLContext}, per-call timeout, retries with exponential back-off on connection failures, timeouts
 * and 5xx answers (never on 4xx, nor on a failed TLS handshake, which no retry mends), and translation of
 * error answers into {@link SchemaRegistryException}.
 *
 * <p>Thread-safe; holds one {@link HttpClient} for its lifetime.
 */
final class RegistryHttp {
    private static final Logger log = LoggerFactory.getLogger(RegistryHttp.class);
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, "
            + "application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final long MAX_BACKOFF_MS = 30_000;

    private final ObjectMapper json;
    private final RegistryEndpoint endpoint;
    private final HttpClient http;
    private final Duration timeout;
    private final int maxRetries;
    private final long retryBackoffMs;

    /**
     * @param tls the TLS context for https:// URLs, or {@code null} for the JVM's default
     */
    RegistryHttp(ObjectMapper json, RegistryEndpoint endpoint, SSLContext tls, int timeoutMs, int maxRetries,
            long retryBackoffMs) {
        this.json = json;
        this.endpoint = endpoint;
        this.timeout = Duration.ofMillis(timeoutMs);
        this.maxRetries = maxRetries;
        this.retryBackoffMs = retryBackoffMs;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder.build();
    }

    String baseUrl() {
        return endpoint.baseUrl();
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    JsonNode put(String path, JsonNode body) {
        return send("PUT", path, body);
    }

    /**
     * Sends one request, retrying as configured.
     *
     * @param path already-escaped path and query, starting with {@code /}
     * @return the parsed JSON answer ({@link MissingNode} for an empty body)
     */
    JsonNode send(String method, String path, JsonNode body) {
        String url = endpoint.resolve(path);
        String where = method + " " + url;
        HttpRequest request = request(method, url, body);
        int attempts = maxRetries + 1;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (SSLHandshakeException e) {
                throw new SchemaRegistryException(0, -1, null, where, "Schema registry " + where
                        + " failed: the TLS handshake failed (" + describe(e) + "); check registry.ssl.truststore.*"
                        + " (the server's certificate must be signed by a certificate in it, and name the URL's host)"
                        + " and, if the registry asks for a client certificate, registry.ssl.keystore.*", e);
            } catch (IOException e) {
                if (attempt >= attempts) {
                    throw new SchemaRegistryException(0, -1, null, where, "Schema registry " + where + " failed after "
                            + attempts + " attempt(s): " + describe(e) + closedHint(url, e), e);
                }
                pause(where, attempt, describe(e));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(0, -1, null, where,
                        "Interrupted while calling schema registry " + where, e);
            }
            int status = response.statusCode();
            if (status >= 500 && attempt < attempts) {
                pause(where, attempt, "HTTP " + status);
                continue;
            }
            if (status >= 400 || status < 200) {
                throw error(where, status, response.body(), attempt);
            }
            return parse(where, status, response.body());
        }
    }

    private HttpRequest request(String method, String url, JsonNode body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Accept", ACCEPT);
        if (endpoint.authorizationHeader() != null) {
            builder.header("Authorization", endpoint.authorizationHeader());
        }
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", CONTENT_TYPE);
            builder.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        return builder.build();
    }

    private void pause(String where, int attempt, String why) {
        long delay = backoffMs(attempt);
        log.warn("Schema registry {} failed ({}); retry {} of {} in {} ms", where, why, attempt, maxRetries, delay);
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(0, -1, null, where,
                    "Interrupted while waiting to retry schema registry " + where, e);
        }
    }

    /** Back-off before retry {@code attempt} (1-based): the configured back-off, doubled each time, capped. */
    long backoffMs(int attempt) {
        long delay = retryBackoffMs;
        for (int i = 1; i < attempt && delay < MAX_BACKOFF_MS; i++) {
            delay *= 2;
        }
        return Math.min(delay, Math.max(MAX_BACKOFF_MS, retryBackoffMs));
    }

    private JsonNode parse(String where, int status, String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(status, -1, null, where, "Schema registry " + where
                    + " answered HTTP " + status + " with a body that is not JSON (is the URL a Confluent-compatible"
                    + " registry?): " + abbreviate(body), e);
        }
    }

    private SchemaRegistryException error(String where, int status, String body, int attempts) {
        int errorCode = -1;
        String message = null;
        try {
            JsonNode node = body == null || body.isBlank() ? null : json.readTree(body);
            if (node != null && node.isObject()) {
                errorCode = node.path("error_code").asInt(-1);
                message = node.hasNonNull("message") ? node.get("message").asText() : null;
            }
        } catch (JsonProcessingException e) {
            // not JSON: report the raw body below
        }
        String detail = errorCode >= 0 || message != null
                ? "error_code " + errorCode + ": " + message
                : "body: " + abbreviate(body);
        String retried = attempts > 1 ? " after " + attempts + " attempts" : "";
        return new SchemaRegistryException(status, errorCode, message, where,
                "Schema registry " + where + " failed" + retried + ": HTTP " + status + ", " + detail, null);
    }

    /**
     * Over TLS 1.3 a server that requires a client certificate finds it missing only after the client has sent
     * its request, and closes the connection: the client sees an empty answer (end of stream, or a reset),
     * not a handshake error.
     */
    private static String closedHint(String url, IOException e) {
        if (!url.startsWith("https://")) {
            return "";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException || (t instanceof SocketException && !(t instanceof ConnectException))) {
                return " (the registry closed the connection without an answer; if it requires a client certificate,"
                        + " set registry.ssl.keystore.*)";
            }
        }
        return "";
    }

    private String describe(IOException e) {
        if (e instanceof java.net.http.HttpConnectTimeoutException) {
            return "no connection within " + timeout.toMillis() + " ms (registry.timeout-ms)";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms (registry.timeout-ms): the registry took the "
                    + "connection but did not respond";
        }
        if (e instanceof java.net.ConnectException && e.getMessage() == null) {
            return "connection refused (is a registry listening at this address?)";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "<empty>";
        }
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }
}
