package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/** Kafka Streams processing guarantee, spelled as Kafka spells it. */
public enum Guarantee {
    /** Each input record affects the output exactly once (transactions; read with read_committed). The default. */
    EXACTLY_ONCE_V2,
    /** No record is lost; after a crash some records may be written twice. */
    AT_LEAST_ONCE;

    @JsonCreator
    public static Guarantee of(String value) {
        return Choices.parse(Guarantee.class, value);
    }

    /** The value of Kafka's {@code processing.guarantee} property. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
