/**
 * Avro records in the Confluent wire format, and the schema registry behind them.
 *
 * <ul>
 *   <li>{@link io.embedstream.serde.ConfluentWireFormat}: magic byte 0, 4-byte big-endian schema id, Avro binary.</li>
 *   <li>{@link io.embedstream.serde.SchemaRegistry}: what we ask of a registry;
 *       {@link io.embedstream.serde.SchemaRegistryClient} (REST: Confluent, Apicurio ccompat, embedded) and
 *       {@link io.embedstream.dev.registry.InMemorySchemaRegistry} implement it. The REST client speaks basic or
 *       bearer auth, and TLS with the trust and key stores of {@code registry.ssl.*} (RegistryTls).</li>
 *   <li>{@link io.embedstream.serde.SubjectNameStrategy}: Confluent's topic, record and topic-record subject names.</li>
 *   <li>{@link io.embedstream.serde.ConfluentAvroSerializer} / {@link io.embedstream.serde.ConfluentAvroDeserializer}
 *       (also Kafka serializers; {@link io.embedstream.serde.ConfluentAvroSerdes} pairs them).</li>
 * </ul>
 *
 * Failure split: {@link io.embedstream.serde.RecordDecodingException} means the bytes are bad (dead-letter
 * the record); {@link io.embedstream.serde.SchemaRegistryException} means the registry failed or rejected
 * a call (an infrastructure fault, fail loudly). Everything here is thread-safe; serdes do not own the
 * registry they are given.
 */
package io.embedstream.serde;
