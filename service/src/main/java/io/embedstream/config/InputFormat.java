package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * The kind of record on the input topic.
 *
 * <ul>
 *   <li>{@code feature-vector}: {@code schemas/FeatureRecord.avsc}; output {@code EnrichedRecord};</li>
 *   <li>{@code image-reference}: {@code schemas/ImageReference.avsc}; output {@code EnrichedRecord};</li>
 *   <li>{@code avro}: any Avro record in the Confluent wire format; {@code input.field} names the source field,
 *       and the output is the same record plus the embedding (a schema derived from the writer's);</li>
 *   <li>{@code json}: a JSON object per record (no registry); {@code input.field} names the source field, and the
 *       output is the same object plus the embedding ({@code output.format: json}) or Avro
 *       ({@code output.format: avro}).</li>
 * </ul>
 */
public enum InputFormat {
    FEATURE_VECTOR, IMAGE_REFERENCE, AVRO, JSON;

    @JsonCreator
    public static InputFormat of(String value) {
        return Choices.parse(InputFormat.class, value);
    }

    /** Whether records of this format are any record, whose source field {@code input.field} names. */
    public boolean isGeneric() {
        return this == AVRO || this == JSON;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
