package io.embedstream.serde;

import io.embedstream.config.SubjectNaming;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * Chooses the registry subject under which a record's schema is registered, as Confluent's
 * serializers do. Implementations must be stateless and thread-safe.
 */
@FunctionalInterface
public interface SubjectNameStrategy {

    /** The subject for records of {@code schema} written to {@code topic}. */
    String subject(String topic, Schema schema);

    /** The strategy for record values that {@code registry.subject-name-strategy} names. */
    static SubjectNameStrategy forValues(SubjectNaming naming) {
        return switch (Objects.requireNonNull(naming, "naming")) {
            case TOPIC -> topicValue();
            case RECORD -> recordName();
            case TOPIC_RECORD -> topicRecordName();
        };
    }

    /** Confluent's default for values ({@code TopicNameStrategy}): {@code <topic>-value}. */
    static SubjectNameStrategy topicValue() {
        return (topic, schema) -> topic + "-value";
    }

    /** Confluent's default for keys ({@code TopicNameStrategy}): {@code <topic>-key}. */
    static SubjectNameStrategy topicKey() {
        return (topic, schema) -> topic + "-key";
    }

    /**
     * Confluent's {@code RecordNameStrategy}: the record's full name, whatever the topic.
     *
     * @throws IllegalArgumentException for a schema that is not a record, as Confluent's serializer refuses it
     */
    static SubjectNameStrategy recordName() {
        return (topic, schema) -> recordFullName(schema, "record");
    }

    /**
     * Confluent's {@code TopicRecordNameStrategy}: {@code <topic>-<record full name>}.
     *
     * @throws IllegalArgumentException for a schema that is not a record
     */
    static SubjectNameStrategy topicRecordName() {
        return (topic, schema) -> topic + "-" + recordFullName(schema, "topic-record");
    }

    private static String recordFullName(Schema schema, String strategy) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("registry.subject-name-strategy " + strategy + " needs a record schema,"
                    + " but the schema is a " + schema.getType().getName() + "; use the topic strategy");
        }
        return schema.getFullName();
    }
}
