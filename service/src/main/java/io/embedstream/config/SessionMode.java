package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * How stream threads share TensorFlow sessions.
 *
 * <p>per-thread = one session per stream thread (default, no contention); shared = one session for all threads (saves memory on large models).
 */
public enum SessionMode {
    PER_THREAD, SHARED;

    @JsonCreator
    public static SessionMode of(String value) {
        return Choices.parse(SessionMode.class, value);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
