package io.embedstream.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.embedstream.serde.RecordDecodingException;
import io.embedstream.serde.RecordDecodingException.Reason;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro binary without a registry or wire-format header: a stand-in serde for fast unit tests of
 * one class. Integration tests use the real Confluent wire-format serde and a real registry.
 */
public final class PlainAvro {
    private PlainAvro() {}

    public static <T extends SpecificRecord> Serializer<T> serializer(Class<T> type) {
        SpecificData model = modelFor(type);
        SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(model.getSchema(type), model);
        return (topic, record) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            try {
                writer.write(record, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        };
    }

    public static <T extends SpecificRecord> Deserializer<T> deserializer(Class<T> type) {
        SpecificData model = modelFor(type);
        Schema schema = model.getSchema(type);
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(schema, schema, model);
        return (topic, bytes) -> {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
            try {
                return reader.read(null, decoder);
            } catch (IOException | RuntimeException e) {
                throw new RecordDecodingException(Reason.MALFORMED_AVRO, -1,
                        "not a plain Avro " + type.getSimpleName(), e);
            }
        };
    }

    /** Names the class directly, so that Avro's class-loading allow-list is not consulted. */
    private static SpecificData modelFor(Class<?> type) {
        SpecificData model = new SpecificData() {
            @Override
            @SuppressWarnings("rawtypes")
            public Class getClass(Schema schema) {
                return schema.getFullName().equals(type.getName()) ? type : super.getClass(schema);
            }
        };
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        return model;
    }
}
