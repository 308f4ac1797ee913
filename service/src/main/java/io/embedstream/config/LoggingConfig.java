package io.embedstream.config;

/**
 * How {@code run} logs.
 *
 * @param format             text (one human-readable line per event, the default) or json (one JSON object per
 *                           line, logback's {@code JsonEncoder}, for log shippers)
 * @param progressIntervalMs how often {@code run} logs a one-line progress summary (records in/out/dead-lettered,
 *                           rate, mean batch size, consumer lag); 0 = never
 */
public record LoggingConfig(LogFormat format, long progressIntervalMs) {

    public static final long DEFAULT_PROGRESS_INTERVAL_MS = 30_000;

    public LoggingConfig {
        format = Checks.required("logging.format", format);
        Checks.atLeast("logging.progress-interval-ms", progressIntervalMs, 0);
    }

    /** The defaults of {@code embedstream-defaults.yaml}: text, a progress line every 30 s. */
    public static LoggingConfig defaults() {
        return new LoggingConfig(LogFormat.TEXT, DEFAULT_PROGRESS_INTERVAL_MS);
    }
}
