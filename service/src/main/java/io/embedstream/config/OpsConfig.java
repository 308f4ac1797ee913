package io.embedstream.config;

/**
 * The operations HTTP endpoint of {@code run}: {@code GET /metrics} (Prometheus text format),
 * {@code GET /health/live} and {@code GET /health/ready}.
 *
 * @param enabled     serve the endpoint (default true)
 * @param port        TCP port (default 8080); 0 picks a free port, which the start-up log names
 * @param bindAddress address to listen on (default 0.0.0.0, every interface); 127.0.0.1 keeps it local
 */
public record OpsConfig(boolean enabled, int port, String bindAddress) {

    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";

    public OpsConfig {
        if (port < 0 || port > 65_535) {
            throw ConfigException.invalid("ops.port", port, "expected a TCP port 1-65535, or 0 for any free port");
        }
        bindAddress = Checks.requireText("ops.bind-address", bindAddress);
    }

    /** The defaults of {@code embedstream-defaults.yaml}: on, port 8080, all interfaces. */
    public static OpsConfig defaults() {
        return new OpsConfig(true, DEFAULT_PORT, DEFAULT_BIND_ADDRESS);
    }
}
