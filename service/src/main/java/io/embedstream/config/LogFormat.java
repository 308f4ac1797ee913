package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/** The log line format ({@code logging.format}). */
public enum LogFormat {
    /** One human-readable line per event: date, time, level, thread, logger, message. */
    TEXT,
    /** One JSON object per line (logback's {@code JsonEncoder}), for log shippers. */
    JSON;

    @JsonCreator
    public static LogFormat of(String value) {
        return Choices.parse(LogFormat.class, value);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
