package io.embedstream.serde;

import org.apache.avro.Schema;

/**
 * Chooses the registry subject under which a record's schema is registered, as Confluent's
 * serializers do. Implementations must be stateless and thread-safe.
 */
@FunctionalInterface
public interface SubjectNameStrategy {

    /** The subject for records of {@code schema} written to {@code topic}. */
    String subject(String topic, Schema schema);

    /** Confluent's default for values: {@code <topic>-value}. */
    static SubjectNameStrategy topicValue() {
        return (topic, schema) -> topic + "-value";
    }

    /** Confluent's default for keys: {@code <topic>-key}. */
    static SubjectNameStrategy topicKey() {
        return (topic, schema) -> topic + "-key";
    }

    /** Confluent's RecordNameStrategy: the record's full name, whatever the topic. */
    static SubjectNameStrategy recordName() {
        return (topic, schema) -> schema.getFullName();
    }
}
