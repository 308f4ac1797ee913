package io.embedstream.dev.bench.e2e;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.AppConfig;
import io.embedstream.model.FloatBatch;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.serde.SubjectNameStrategy;
import io.embedstream.stream.EnrichedRecordWriter;
import io.embedstream.stream.Enricher;
import io.embedstream.stream.FeatureInputHandler;
import io.embedstream.stream.OutputMetadata;
import io.embedstream.stream.OutputWriter;
import java.time.Clock;

/**
 * What the Kafka pass-through app and the naive peer share with the service: its decoder of {@code FeatureRecord}s
 * (straight into a float row) and its writer of {@code EnrichedRecord}s, both in the Confluent wire format through
 * the real registry client, so that the three differ only in how they move records, not in how they encode them.
 * Thread-safe.
 *
 * @param input  decodes one input value into a row
 * @param output encodes one output record
 */
record PeerCodec(FeatureInputHandler input, OutputWriter<Void> output) {

    /** The codec for {@code config}'s topics and registry, for rows of {@code rowShape}. */
    static PeerCodec of(AppConfig config, long[] rowShape, OutputMetadata metadata) {
        SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
        ConfluentAvroSerializer<EnrichedRecord> serializer = new ConfluentAvroSerializer<>(registry,
                SubjectNameStrategy.forValues(config.registry().subjectNameStrategy()), config.registry().autoRegister());
        return new PeerCodec(
                new FeatureInputHandler(ConfluentAvroDeserializer.specific(registry, FeatureRecord.class), rowShape),
                new EnrichedRecordWriter<>(new Enricher(metadata, Clock.systemUTC()), serializer,
                        config.topics().output()));
    }

    /** Values per row. */
    int rowLength() {
        return FloatBatch.rowLengthOf(input.rowShape());
    }
}
