package io.embedstream.stream.generic;

import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigException;
import io.embedstream.config.FieldPath;
import io.embedstream.config.OutputConfig;
import io.embedstream.config.OutputFormat;
import io.embedstream.preprocess.image.ImagePipeline;
import io.embedstream.preprocess.image.ImageSpec;
import io.embedstream.serde.AvroTypes;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.EnrichedSchemas;
import io.embedstream.serde.RegisteredSchema;
import io.embedstream.serde.RegistryErrorCodes;
import io.embedstream.serde.SchemaRegistry;
import io.embedstream.serde.SchemaRegistryException;
import io.embedstream.stream.EmbeddingSpace;
import io.embedstream.stream.InputHandler;
import io.embedstream.stream.OutputWriter;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input handler and output writer of a generic format ({@code input.format: avro} or {@code json}), wired from
 * the configuration, with the checks that can be made before the first record: {@code input.shape} against the
 * model, and, for Avro, the input subject's latest schema against {@code input.field}, {@code output.key-field} and
 * the output field names (a configuration that cannot work with it fails at start-up with a
 * {@link ConfigException}, exit status 2). The output schema of that latest schema is registered at start-up too,
 * so that a registry that refuses it (for example, an incompatible earlier version under the output subject) stops
 * the service before it consumes anything.
 *
 * @param input  decodes the records and makes their rows
 * @param output writes the enriched records
 */
public record GenericFormat(InputHandler<FieldPayload> input, OutputWriter<FieldPayload> output) {

    private static final Logger LOG = LoggerFactory.getLogger(GenericFormat.class);

    /**
     * {@code input.format: avro}.
     *
     * @param modelShape the model input shape, {@code [N, ...]}
     * @param images     makes the image pipeline when the model input is an image (the caller owns what it makes)
     * @throws ConfigException when the configuration cannot work with the model or the latest input schema
     * @throws SchemaRegistryException when the registry fails or refuses the output schema
     */
    public static GenericFormat avro(AppConfig config, SchemaRegistry registry,
            ConfluentAvroSerializer<GenericRecord> serializer, long[] modelShape, EmbeddingSpace space,
            Function<ImageSpec, ImagePipeline> images) {
        OutputConfig out = config.output();
        ModelRows rows = ModelRows.of(config.input().field(), modelShape, config.input().shapeArray(), images);
        DerivedSchemas schemas = new DerivedSchemas(serializer, config.topics().output(), out.field(),
                out.metadataField());
        checkLatestInputSchema(config, registry, rows, schemas);
        return new GenericFormat(
                new AvroFieldInputHandler(ConfluentAvroDeserializer.generic(registry), schemas, rows, out.keyField()),
                new EnrichedAvroWriter(schemas, space, out.metadataField() != null));
    }

    /**
     * {@code input.format: json}.
     *
     * @param serializer registers the output schema for {@code output.format: avro}; {@code null} for json output
     * @throws ConfigException when the configuration cannot work with the model
     */
    public static GenericFormat json(AppConfig config, ConfluentAvroSerializer<GenericRecord> serializer,
            long[] modelShape, EmbeddingSpace space, Function<ImageSpec, ImagePipeline> images) {
        OutputConfig out = config.output();
        ModelRows rows = ModelRows.of(config.input().field(), modelShape, config.input().shapeArray(), images);
        JsonFieldInputHandler input = new JsonFieldInputHandler(rows, out.keyField(), out.field(), out.metadataField());
        if (out.formatFor(config.input().format()) == OutputFormat.JSON) {
            return new GenericFormat(input, new EnrichedJsonWriter(out.field(), out.metadataField(), space));
        }
        Schema schema;
        try {
            schema = JsonDocumentAvroWriter.schema(out.field(), out.metadataField());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("output.field / output.metadata-field: " + e.getMessage(), e);
        }
        int id = serializer.schemaId(config.topics().output(), schema);
        LOG.info("Output schema {} (JSON documents plus embeddings) has id {}", schema.getFullName(), id);
        return new GenericFormat(input, new JsonDocumentAvroWriter(id, space, out.metadataField() != null));
    }

    /**
     * Checks the configuration against the latest schema under {@code <input topic>-value} (the subject Confluent's
     * default {@code TopicNameStrategy} producers register under), and registers its output schema. Without such
     * a subject (other naming, or no producer yet) each record is checked when it arrives.
     */
    static void checkLatestInputSchema(AppConfig config, SchemaRegistry registry, ModelRows rows,
            DerivedSchemas schemas) {
        String subject = config.topics().input() + "-value";
        Optional<RegisteredSchema> latest = latest(registry, subject);
        if (latest.isEmpty()) {
            LOG.info("No schema under subject '{}' yet: input.field '{}' is checked against each record's writer"
                    + " schema as it arrives", subject, config.input().field());
            return;
        }
        Schema schema = latest.get().schema();
        String where = "the latest schema of subject '" + subject + "' (" + schema.getFullName() + " version "
                + latest.get().version() + ", id " + latest.get().id() + ")";
        OutputConfig out = config.output();
        Optional<String> clash = EnrichedSchemas.clash(schema, out.field(), out.metadataField());
        if (clash.isPresent()) {
            throw new ConfigException("output.field / output.metadata-field: " + clash.get() + " (" + where + ")");
        }
        checkSource(config.input().field(), schema, where, rows);
        if (out.keyField() != null) {
            Schema key = resolve("output.key-field", out.keyField(), schema, where);
            for (Schema branch : AvroFieldPaths.branches(key)) {
                if (branch.getType() != Schema.Type.STRING) {
                    throw ConfigException.invalid("output.key-field", out.keyField(), "it is "
                            + AvroTypes.describe(key) + " in " + where + "; allowed: a string field (its UTF-8 bytes"
                            + " become the output key)");
                }
            }
        }
        int id = schemas.register(schema);
        LOG.info("input.field '{}' fits {}; its output schema is registered with id {}", config.input().field(),
                where, id);
    }

    private static void checkSource(FieldPath field, Schema schema, String where, ModelRows rows) {
        Schema leaf = resolve("input.field", field, schema, where);
        for (Schema branch : AvroFieldPaths.branches(leaf)) {
            FieldKind kind = FieldKind.of(branch);
            if (kind == null) {
                throw ConfigException.invalid("input.field", field, "it is " + AvroTypes.describe(leaf) + " in "
                        + where + "; " + FieldKind.EXPECTED.replace("expected", "allowed:"));
            }
            if (kind.isImage() && !rows.takesImages()) {
                throw ConfigException.invalid("input.field", field, "it is " + AvroTypes.describe(leaf) + " (an image)"
                        + " in " + where + ", but the model input row " + java.util.Arrays.toString(rows.rowShape())
                        + " is not an image [height, width, channels]; allowed: a feature array field");
            }
        }
    }

    private static Schema resolve(String key, FieldPath path, Schema schema, String where) {
        try {
            return AvroFieldPaths.resolve(path, schema);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(key, path, "it does not fit " + where + ": " + e.getMessage());
        }
    }

    private static Optional<RegisteredSchema> latest(SchemaRegistry registry, String subject) {
        try {
            return Optional.of(registry.latest(subject));
        } catch (SchemaRegistryException e) {
            // 40402 is Apicurio's answer for a subject without versions. Any other 404 (a wrong registry.url path)
            // is not "no schema yet": it propagates.
            if (e.hasErrorCode(RegistryErrorCodes.SUBJECT_NOT_FOUND)
                    || e.hasErrorCode(RegistryErrorCodes.VERSION_NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
