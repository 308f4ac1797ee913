package io.embedstream.serde;

import static io.embedstream.testing.SampleRecords.featureRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.throwable;

import io.embedstream.dev.registry.InMemorySchemaRegistry;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.serde.RecordDecodingException.Reason;
import io.embedstream.testing.CountingSchemaRegistry;
import io.embedstream.testing.SampleRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class ConfluentAvroSerdeTest {
    private static final String TOPIC = "features";

    private final InMemorySchemaRegistry store = new InMemorySchemaRegistry();
    private final CountingSchemaRegistry registry = new CountingSchemaRegistry(store);
    private final ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(registry, true);
    private final ConfluentAvroSerializer<GenericRecord> genericSerializer =
            new ConfluentAvroSerializer<>(registry, true);
    private final ConfluentAvroDeserializer<FeatureRecord> deserializer =
            ConfluentAvroDeserializer.specific(registry, FeatureRecord.class);

    @Test
    void shouldRoundTripSpecificRecordIncludingLogicalTypes() {
        FeatureRecord record = featureRecord("r-1");

        FeatureRecord decoded = deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, record));

        assertThat(decoded).isEqualTo(record);
        assertThat(decoded.getEventTime()).isEqualTo(record.getEventTime());
        assertThat(decoded.getFeatures()).containsExactly(0.5f, -1.25f, 3.0f, 1e-6f);
    }

    @Test
    void shouldFrameWithTheRegisteredIdUnderTopicValueSubjectAndPlainAvroBody() throws IOException {
        store.register("other-value", SampleRecords.simpleSchema("Other"));
        FeatureRecord record = featureRecord("r-2");

        byte[] bytes = serializer.serialize(TOPIC, record);

        RegisteredSchema registered = store.lookup("features-value", FeatureRecord.getClassSchema()).orElseThrow();
        assertThat(registered.id()).isEqualTo(2);
        assertThat(bytes[0]).isZero();
        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(2);
        assertThat(ConfluentWireFormat.parse(bytes).payload()).isEqualTo(plainAvro(record));
        assertThat(store.subjects()).containsExactly("other-value", "features-value");
    }

    @Test
    void shouldCallTheRegistryOncePerSchema() {
        List<byte[]> encoded = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            encoded.add(serializer.serialize(TOPIC, featureRecord("r-" + i)));
        }
        for (int i = 0; i < 50; i++) {
            assertThat(deserializer.deserialize(TOPIC, encoded.get(i)).getId()).isEqualTo("r-" + i);
        }

        assertThat(registry.registerCalls).hasValue(1);
        assertThat(registry.schemaByIdCalls).hasValue(1);
    }

    @Test
    void shouldBeSafeToShareBetweenThreads() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<List<String>>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                tasks.add(() -> {
                    List<String> mismatches = new ArrayList<>();
                    for (int i = 0; i < 300; i++) {
                        FeatureRecord record = featureRecord("t" + thread + "-" + i);
                        FeatureRecord decoded = deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, record));
                        if (!decoded.equals(record)) {
                            mismatches.add(record.getId());
                        }
                    }
                    return mismatches;
                });
            }
            for (Future<List<String>> result : pool.invokeAll(tasks)) {
                assertThat(result.get()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.registerCalls.get()).isBetween(1, threads);
        assertThat(store.versions("features-value")).containsExactly(1);
    }

    @Test
    void shouldRoundTripGenericRecordsWithTheWriterSchema() {
        Schema schema = SampleRecords.simpleSchema("Counter");
        GenericRecord record = new GenericRecordBuilder(schema).set("key", "k1").set("count", 42L).build();
        ConfluentAvroDeserializer<GenericRecord> generic = ConfluentAvroDeserializer.generic(registry);

        byte[] bytes = genericSerializer.serialize("counters", record);
        GenericRecord decoded = generic.deserialize("counters", bytes);

        assertThat(decoded).isEqualTo(record);
        assertThat(decoded.get("key")).hasToString("k1");
        assertThat(decoded.get("count")).isEqualTo(42L);
        assertThat(generic.writerSchema(bytes)).isEqualTo(schema);
        assertThat(store.lookup("counters-value", schema)).isPresent();
    }

    @Test
    void shouldRegisterEachDerivedGenericSchemaOnce() {
        store.setGlobalCompatibility(CompatibilityLevel.NONE);
        Schema first = SampleRecords.simpleSchema("Enriched");
        Schema second = SampleRecords.simpleSchemaWithRequiredExtra("Enriched");
        for (int i = 0; i < 10; i++) {
            genericSerializer.serialize("out", new GenericRecordBuilder(first).set("key", "a").set("count", 1L).build());
            genericSerializer.serialize("out", new GenericRecordBuilder(second).set("key", "b").set("count", 2L)
                    .set("extra", 3).build());
        }

        assertThat(registry.registerCalls).hasValue(2);
        assertThat(store.versions("out-value")).containsExactly(1, 2);
        assertThat(genericSerializer.schemaId("out", first)).isEqualTo(1);
        assertThat(genericSerializer.schemaId("out", second)).isEqualTo(2);
    }

    @Test
    void shouldReadOlderWriterSchemaFillingInDefaults() {
        Schema older = SampleRecords.olderFeatureSchema();
        GenericRecord old = new GenericRecordBuilder(older).set("id", "old-1").set("features", List.of(1f, 2f)).build();

        FeatureRecord decoded = deserializer.deserialize(TOPIC, genericSerializer.serialize(TOPIC, old));

        assertThat(decoded.getId()).isEqualTo("old-1");
        assertThat(decoded.getFeatures()).containsExactly(1f, 2f);
        assertThat(decoded.getShape()).isNull();
        assertThat(decoded.getAttributes()).isEmpty();
        assertThat(decoded.getEventTime()).isNull();
    }

    @Test
    void shouldReadNewerWriterSchemaSkippingUnknownFields() {
        FeatureRecord expected = featureRecord("new-1");
        GenericRecord newer = new GenericRecordBuilder(SampleRecords.newerFeatureSchema())
                .set("id", "new-1")
                .set("features", expected.getFeatures())
                .set("shape", expected.getShape())
                .set("attributes", expected.getAttributes())
                .set("eventTime", expected.getEventTime().toEpochMilli())
                .set("source", "camera-9")
                .set("weights", List.of(0.25, 0.75))
                .build();

        FeatureRecord decoded = deserializer.deserialize(TOPIC, genericSerializer.serialize(TOPIC, newer));

        assertThat(decoded).isEqualTo(expected);
    }

    @Test
    void shouldResolveToAGenericReaderSchema() {
        Schema older = SampleRecords.olderFeatureSchema();
        GenericRecord old = new GenericRecordBuilder(older).set("id", "old-2").set("features", List.of(5f)).build();
        ConfluentAvroDeserializer<GenericRecord> generic =
                ConfluentAvroDeserializer.generic(registry, FeatureRecord.getClassSchema());

        GenericRecord decoded = generic.deserialize(TOPIC, genericSerializer.serialize(TOPIC, old));

        assertThat(decoded.getSchema()).isEqualTo(FeatureRecord.getClassSchema());
        assertThat(decoded.get("id")).hasToString("old-2");
        assertThat((Map<?, ?>) decoded.get("attributes")).isEmpty();
        assertThat(decoded.get("eventTime")).isNull();
    }

    @Test
    void shouldRejectWriterSchemaThatCannotBeResolved() {
        Schema withoutFeatures = SampleRecords.featureSchemaWithoutFeatures();
        byte[] bytes = genericSerializer.serialize("legacy",
                new GenericRecordBuilder(withoutFeatures).set("id", "x").build());
        int id = ConfluentWireFormat.schemaId(bytes);

        assertThatThrownBy(() -> deserializer.deserialize("legacy", bytes))
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_SCHEMA);
                    assertThat(e.schemaId()).hasValue(id);
                })
                .hasMessageStartingWith("Writer schema id " + id + " (io.embedstream.avro.FeatureRecord) cannot be read"
                        + " as io.embedstream.avro.FeatureRecord")
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE")
                .hasMessageContaining("features");
    }

    @Test
    void shouldRejectUnknownSchemaId() {
        byte[] body = ConfluentWireFormat.parse(serializer.serialize(TOPIC, featureRecord("r"))).payload();

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, ConfluentWireFormat.frame(999, body)))
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
                    assertThat(e.schemaId()).hasValue(999);
                    assertThat(e.getCause()).isInstanceOf(SchemaRegistryException.class);
                })
                .hasMessageStartingWith("Schema id 999 in the Confluent header is not known to the schema registry");
    }

    @Test
    void shouldRejectBadMagicByte() {
        byte[] bytes = serializer.serialize(TOPIC, featureRecord("r"));
        bytes[0] = 3;

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes))
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC_BYTE))
                .hasMessageStartingWith("Unknown magic byte 0x03 at offset 0 (expected 0x00");
    }

    @Test
    void shouldRejectTruncatedAvroBody() {
        byte[] bytes = serializer.serialize(TOPIC, featureRecord("r"));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, truncated))
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_AVRO);
                    assertThat(e.schemaId()).hasValue(1);
                })
                .hasMessageStartingWith("Avro body of " + (truncated.length - 5) + " bytes is truncated: it ended before a complete"
                        + " io.embedstream.avro.FeatureRecord (writer schema id 1) was read: ")
                .hasCauseInstanceOf(java.io.EOFException.class);
    }

    @Test
    void shouldRejectBytesLeftOverAfterTheRecord() {
        byte[] bytes = serializer.serialize(TOPIC, featureRecord("r"));
        byte[] padded = Arrays.copyOf(bytes, bytes.length + 2);

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, padded))
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.TRAILING_BYTES))
                .hasMessageContaining("has bytes left over after a complete io.embedstream.avro.FeatureRecord");
    }

    @Test
    void shouldRejectCollectionCountLargerThanTheDataWithoutAllocatingIt() {
        int id = serializer.schemaId(TOPIC, FeatureRecord.getClassSchema());
        // id = "a", then an array of 2^30 floats is announced in 5 bytes.
        byte[] body = {2, 'a', (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, ConfluentWireFormat.frame(id, body)))
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_AVRO))
                .hasMessageContaining("1073741824");
    }

    @Test
    void shouldTurnEveryCorruptedBodyIntoARecordOrADecodingException() {
        byte[] valid = serializer.serialize(TOPIC, featureRecord("fuzz"));
        Random random = new Random(20_240_611);
        int decoded = 0;
        int failed = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] corrupted = i % 2 == 0 ? flipBytes(valid, random) : randomBody(valid, random);
            try {
                deserializer.deserialize(TOPIC, corrupted);
                decoded++;
            } catch (RecordDecodingException e) {
                assertThat(e.reason()).isIn(Reason.MALFORMED_AVRO, Reason.TRAILING_BYTES);
                failed++;
            }
        }
        assertThat(decoded).isPositive();
        assertThat(failed).isPositive();
    }

    private static byte[] flipBytes(byte[] valid, Random random) {
        byte[] copy = valid.clone();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            int at = ConfluentWireFormat.HEADER_LENGTH + random.nextInt(copy.length - ConfluentWireFormat.HEADER_LENGTH);
            copy[at] = (byte) random.nextInt(256);
        }
        return copy;
    }

    private static byte[] randomBody(byte[] valid, Random random) {
        byte[] body = new byte[random.nextInt(80)];
        random.nextBytes(body);
        byte[] framed = Arrays.copyOf(valid, ConfluentWireFormat.HEADER_LENGTH + body.length);
        System.arraycopy(body, 0, framed, ConfluentWireFormat.HEADER_LENGTH, body.length);
        return framed;
    }

    @Test
    void shouldLetRegistryOutagesThroughAsSchemaRegistryException() {
        byte[] bytes = serializer.serialize(TOPIC, featureRecord("r"));
        SchemaRegistry down = (SchemaRegistry) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SchemaRegistry.class}, (proxy, method, args) -> {
                    throw new SchemaRegistryException(0, -1, null, "GET http://registry:8081/schemas/ids/1",
                            "Schema registry is down", new ConnectException("Connection refused"));
                });

        assertThatThrownBy(() -> ConfluentAvroDeserializer.specific(down, FeatureRecord.class).deserialize(TOPIC, bytes))
                .isExactlyInstanceOf(SchemaRegistryException.class)
                .hasRootCauseInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> new ConfluentAvroSerializer<FeatureRecord>(down, true)
                .serialize(TOPIC, featureRecord("r")))
                .isExactlyInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void shouldLookUpInsteadOfRegisteringWhenAutoRegistrationIsOff() {
        ConfluentAvroSerializer<FeatureRecord> lookupOnly = new ConfluentAvroSerializer<>(registry, false);

        assertThatThrownBy(() -> lookupOnly.serialize(TOPIC, featureRecord("r")))
                .asInstanceOf(throwable(SchemaRegistryException.class))
                .satisfies(e -> assertThat(e.errorCode()).hasValue(RegistryErrorCodes.SCHEMA_NOT_FOUND))
                .hasMessage("Schema io.embedstream.avro.FeatureRecord is not registered under subject 'features-value'"
                        + " and auto-registration is off (registry.auto-register=false); register it first or enable"
                        + " auto-registration");

        int id = store.register("features-value", FeatureRecord.getClassSchema());
        byte[] bytes = lookupOnly.serialize(TOPIC, featureRecord("r"));
        lookupOnly.serialize(TOPIC, featureRecord("r2"));

        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(id);
        assertThat(registry.registerCalls).hasValue(0);
        assertThat(registry.lookupCalls).hasValue(2);
    }

    @Test
    void shouldUseTheConfiguredSubjectNameStrategy() {
        ConfluentAvroSerializer<FeatureRecord> byRecordName =
                new ConfluentAvroSerializer<>(registry, SubjectNameStrategy.recordName(), true);

        byRecordName.serialize(TOPIC, featureRecord("r"));
        new ConfluentAvroSerializer<FeatureRecord>(registry, SubjectNameStrategy.topicKey(), true)
                .serialize(TOPIC, featureRecord("r"));

        assertThat(store.subjects()).containsExactly("io.embedstream.avro.FeatureRecord", "features-key");
    }

    @Test
    void shouldReportRecordsThatDoNotMatchTheirSchema() {
        FeatureRecord incomplete = new FeatureRecord();
        incomplete.setFeatures(List.of(1f));
        incomplete.setAttributes(Map.of());

        assertThatThrownBy(() -> serializer.serialize(TOPIC, incomplete))
                .isInstanceOf(RecordEncodingException.class)
                .hasMessageStartingWith("Cannot encode a io.embedstream.avro.FeatureRecord record for topic 'features'"
                        + " (schema id 1): ")
                .hasMessageContaining("id")
                .hasCauseInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldPassTombstonesThrough() {
        assertThat(serializer.serialize(TOPIC, null)).isNull();
        assertThat(deserializer.deserialize(TOPIC, null)).isNull();
        assertThat(registry.registerCalls).hasValue(0);
        assertThatThrownBy(() -> deserializer.decode(null))
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.EMPTY));
    }

    @Test
    void shouldOfferKafkaSerdes() {
        try (Serde<FeatureRecord> serde = ConfluentAvroSerdes.specific(registry, FeatureRecord.class, true);
                Serde<GenericRecord> generic = ConfluentAvroSerdes.generic(registry, true)) {
            FeatureRecord record = featureRecord("serde-1");

            byte[] bytes = serde.serializer().serialize(TOPIC, record);

            assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(record);
            GenericRecord asGeneric = generic.deserializer().deserialize(TOPIC, bytes);
            assertThat(asGeneric.get("id")).hasToString("serde-1");
            assertThat(asGeneric.get("eventTime")).isEqualTo(record.getEventTime().toEpochMilli());
            // Not byte-equal in general: Avro writes map entries in the map's iteration order.
            byte[] again = generic.serializer().serialize(TOPIC, asGeneric);
            assertThat(ConfluentWireFormat.schemaId(again)).isEqualTo(ConfluentWireFormat.schemaId(bytes));
            assertThat(serde.deserializer().deserialize(TOPIC, again)).isEqualTo(record);
        }
    }

    private static byte[] plainAvro(FeatureRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(FeatureRecord.class).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
