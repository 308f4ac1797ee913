package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * Under which registry subject the output schema is registered, as Confluent's serializers choose it
 * ({@code value.subject.name.strategy}).
 *
 * <ul>
 *   <li>{@code topic}: {@code <topic>-value} (Confluent's {@code TopicNameStrategy}, the default);</li>
 *   <li>{@code record}: the record's full name, e.g. {@code io.embedstream.avro.EnrichedRecord}, whatever the
 *       topic ({@code RecordNameStrategy});</li>
 *   <li>{@code topic-record}: {@code <topic>-<record full name>} ({@code TopicRecordNameStrategy}).</li>
 * </ul>
 */
public enum SubjectNaming {
    TOPIC, RECORD, TOPIC_RECORD;

    @JsonCreator
    public static SubjectNaming of(String value) {
        return Choices.parse(SubjectNaming.class, value);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
