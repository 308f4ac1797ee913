package io.embedstream.config;

/**
 * What the output records look like beyond the embedding itself (config key {@code output:}). Immutable.
 *
 * @param field            avro and json input: the name of the field that carries the embedding
 *                         ({@code array<float>} in Avro, an array of numbers in JSON); default {@code embedding}.
 *                         The fixed {@code EnrichedRecord} always calls it {@code embedding}
 * @param metadataField    avro and json input, optional: the name of a field that carries a record of the model
 *                         name, version, layer, pooling, normalisation, dimension and embedding-space id
 *                         ({@code schemas/EmbeddingMetadata.avsc}); {@code null} = none (the record headers
 *                         carry the same facts on every output anyway)
 * @param format           json input only: {@code json} (the default) or {@code avro}; see {@link OutputFormat}.
 *                         Avro input is written as Avro; {@code null} = the natural format of the input
 * @param keyField         avro and json input, optional: the dotted path of a string field whose value, as UTF-8
 *                         bytes, becomes the output key; {@code null} = the input record's key, unchanged
 * @param allowSpaceChange start even when the last record of an output partition was written in another
 *                         embedding space (another model, layer, pooling or normalisation)
 */
public record OutputConfig(String field, String metadataField, OutputFormat format, FieldPath keyField,
        boolean allowSpaceChange) {

    public static final String DEFAULT_FIELD = "embedding";

    public OutputConfig {
        field = field == null || field.isBlank() ? DEFAULT_FIELD : field.trim();
        metadataField = Checks.blankToNull(metadataField);
        if (!FieldPath.isAvroName(field)) {
            throw ConfigException.invalid("output.field", field, "expected a field name of letters, digits and _"
                    + " that does not start with a digit (an Avro field name), e.g. embedding");
        }
        if (metadataField != null && !FieldPath.isAvroName(metadataField)) {
            throw ConfigException.invalid("output.metadata-field", metadataField, "expected a field name of letters,"
                    + " digits and _ that does not start with a digit (an Avro field name), e.g. embedding_meta");
        }
        if (field.equals(metadataField)) {
            throw ConfigException.invalid("output.metadata-field", metadataField, "it must differ from output.field ('"
                    + field + "')");
        }
    }

    /** The defaults: field {@code embedding}, no metadata field, natural format, input key, no space change. */
    public static OutputConfig defaults() {
        return new OutputConfig(DEFAULT_FIELD, null, null, null, false);
    }

    /**
     * Checks this output configuration against the input format and the registry's subject naming.
     *
     * @throws ConfigException when they cannot work together
     */
    void checkAgainst(InputConfig input, RegistryConfig registry) {
        InputFormat in = input.format();
        if (!in.isGeneric()) {
            String fixed = " is only used with input.format avro or json; input.format " + in
                    + " writes the fixed EnrichedRecord (schemas/EnrichedRecord.avsc)";
            if (!field.equals(DEFAULT_FIELD)) {
                throw ConfigException.invalid("output.field", field, "output.field" + fixed + ", whose field is"
                        + " 'embedding'");
            }
            if (metadataField != null) {
                throw ConfigException.invalid("output.metadata-field", metadataField, "output.metadata-field" + fixed
                        + ", which carries the model metadata in its own fields");
            }
            if (keyField != null) {
                throw ConfigException.invalid("output.key-field", keyField, "output.key-field" + fixed
                        + ", keyed by the input record's key");
            }
            if (format == OutputFormat.JSON) {
                throw ConfigException.invalid("output.format", format, "allowed with input.format " + in + ": avro");
            }
            return;
        }
        if (in == InputFormat.AVRO) {
            if (format == OutputFormat.JSON) {
                throw ConfigException.invalid("output.format", format, "allowed with input.format avro: avro (Avro"
                        + " input is written as Avro: the input record plus the embedding)");
            }
            if (keyField != null && !keyField.isAvroPath()) {
                throw ConfigException.invalid("output.key-field", keyField, "with input.format avro every name of the"
                        + " path must be an Avro field name ([A-Za-z_][A-Za-z0-9_]*)");
            }
            if (registry.subjectNameStrategy() == SubjectNaming.RECORD) {
                throw ConfigException.invalid("registry.subject-name-strategy", registry.subjectNameStrategy(),
                        "allowed with input.format avro: topic | topic-record. The output record keeps the input"
                        + " record's name (so that its schema evolves with the input's), so the record strategy"
                        + " would register it under the input record's own subject");
            }
        }
    }

    /** The output format for {@code input}: the configured one, or json for json input and avro otherwise. */
    public OutputFormat formatFor(InputFormat input) {
        if (format != null) {
            return format;
        }
        return input == InputFormat.JSON ? OutputFormat.JSON : OutputFormat.AVRO;
    }
}
