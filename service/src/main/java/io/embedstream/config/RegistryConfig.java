package io.embedstream.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A Confluent-compatible schema registry: where it is, how to authenticate, how to reach it over TLS and
 * under which subject the output schema is registered.
 *
 * @param url                 base URL, e.g. {@code http://localhost:8081} or Apicurio's {@code .../apis/ccompat/v7};
 *                            {@code null} when not set ({@link AppConfig} requires it unless JSON input is written
 *                            as JSON, which needs no registry)
 * @param basicAuth           {@code user:password} for HTTP basic auth, or {@code null}; not together with a bearer token
 * @param bearerToken         a token sent as {@code Authorization: Bearer <token>}, or {@code null}; not together with
 *                            basic auth
 * @param subjectNameStrategy how the output topic and schema map to a subject, as Confluent's serializers do
 * @param autoRegister        register the output schema at start-up (otherwise it must already be registered)
 * @param timeoutMs           connect and request timeout per HTTP call
 * @param maxRetries          retries on connection errors and 5xx answers
 * @param retryBackoffMs      first back-off between retries; doubles each time
 * @param ssl                 trust store and key store for an {@code https://} registry
 */
public record RegistryConfig(String url, String basicAuth, String bearerToken, SubjectNaming subjectNameStrategy,
        boolean autoRegister, int timeoutMs, int maxRetries, long retryBackoffMs, RegistrySslConfig ssl) {

    public RegistryConfig {
        // Required by AppConfig unless nothing needs a registry (JSON in, JSON out); null here means "not set".
        url = Checks.blankToNull(url);
        if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
            throw ConfigException.invalid("registry.url", redact(url), "expected an http:// or https:// URL");
        }
        url = url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        basicAuth = Checks.blankToNull(basicAuth);
        if (basicAuth != null && !basicAuth.contains(":")) {
            throw new ConfigException("registry.basic-auth: expected 'user:password' (the value is not shown)");
        }
        bearerToken = Checks.blankToNull(bearerToken);
        if (bearerToken != null && basicAuth != null) {
            throw new ConfigException("registry.basic-auth and registry.bearer-token are both set; set one of them: "
                    + "basic-auth sends 'user:password', bearer-token sends 'Authorization: Bearer <token>'"
                    + " (the values are not shown)");
        }
        if (bearerToken != null && url != null && hasUserInfo(url)) {
            throw new ConfigException("registry.bearer-token is set and registry.url carries credentials (user:password@);"
                    + " set one of them (the values are not shown)");
        }
        subjectNameStrategy = subjectNameStrategy == null ? SubjectNaming.TOPIC : subjectNameStrategy;
        Checks.atLeast("registry.timeout-ms", timeoutMs, 1);
        Checks.atLeast("registry.max-retries", maxRetries, 0);
        Checks.atLeast("registry.retry-backoff-ms", retryBackoffMs, 0);
        ssl = ssl == null ? RegistrySslConfig.none() : ssl;
        if (ssl.isSet() && url != null && !url.startsWith("https://")) {
            throw ConfigException.invalid("registry.url", redact(url), "registry.ssl.truststore/keystore are set, so"
                    + " expected an https:// URL (or remove the registry.ssl.* settings)");
        }
    }

    /** Plain settings without bearer token or TLS files: subjects {@code <topic>-value}. */
    public RegistryConfig(String url, String basicAuth, boolean autoRegister, int timeoutMs, int maxRetries,
            long retryBackoffMs) {
        this(url, basicAuth, null, SubjectNaming.TOPIC, autoRegister, timeoutMs, maxRetries, retryBackoffMs,
                RegistrySslConfig.none());
    }

    public static RegistryConfig of(String url) {
        return new RegistryConfig(url, null, true, 10_000, 3, 200);
    }

    /** Hides the password, the token, the key store passwords and credentials in the URL. */
    @Override
    public String toString() {
        return "RegistryConfig[url=" + redact(url) + ", basicAuth=" + (basicAuth == null ? "none" : "***")
                + ", bearerToken=" + (bearerToken == null ? "none" : "***")
                + ", subjectNameStrategy=" + subjectNameStrategy + ", autoRegister=" + autoRegister
                + ", timeoutMs=" + timeoutMs + ", maxRetries=" + maxRetries + ", retryBackoffMs=" + retryBackoffMs
                + ", ssl=" + ssl + "]";
    }

    private static boolean hasUserInfo(String url) {
        try {
            return new URI(url).getRawUserInfo() != null;
        } catch (URISyntaxException e) {
            return false; // reported by the client, which parses the URL again
        }
    }

    private static String redact(String url) {
        return url == null ? null : url.replaceAll("//[^/@]*@", "//***@");
    }
}
