package io.embedstream.config;

/**
 * A Confluent-compatible schema registry.
 *
 * @param url            base URL, e.g. {@code http://localhost:8081} or Apicurio's {@code .../apis/ccompat/v7}
 * @param basicAuth      {@code user:password} for HTTP basic auth, or {@code null}
 * @param autoRegister   register the output schema at start-up (otherwise it must already be registered)
 * @param timeoutMs      connect and request timeout per HTTP call
 * @param maxRetries     retries on connection errors and 5xx answers
 * @param retryBackoffMs first back-off between retries; doubles each time
 */
public record RegistryConfig(String url, String basicAuth, boolean autoRegister, int timeoutMs, int maxRetries,
        long retryBackoffMs) {
    public RegistryConfig {
        url = Checks.requireText("registry.url", url);
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw ConfigException.invalid("registry.url", url, "expected an http:// or https:// URL");
        }
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        basicAuth = Checks.blankToNull(basicAuth);
        if (basicAuth != null && !basicAuth.contains(":")) {
            throw new ConfigException("registry.basic-auth: expected 'user:password' (the value is not shown)");
        }
        Checks.atLeast("registry.timeout-ms", timeoutMs, 1);
        Checks.atLeast("registry.max-retries", maxRetries, 0);
        Checks.atLeast("registry.retry-backoff-ms", retryBackoffMs, 0);
    }

    public static RegistryConfig of(String url) {
        return new RegistryConfig(url, null, true, 10_000, 3, 200);
    }

    /** Hides the password. */
    @Override
    public String toString() {
        return "RegistryConfig[url=" + url + ", basicAuth=" + (basicAuth == null ? "none" : "***")
                + ", autoRegister=" + autoRegister + ", timeoutMs=" + timeoutMs + ", maxRetries=" + maxRetries
                + ", retryBackoffMs=" + retryBackoffMs + "]";
    }
}
