package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * How the output of {@code input.format: json} is written ({@code output.format}).
 *
 * <ul>
 *   <li>{@code json}: the input object, byte for byte, with the embedding (and the metadata object) added as its
 *       last fields;</li>
 *   <li>{@code avro}: an Avro record in the Confluent wire format whose schema is {@code schemas/JsonDocument.avsc}
 *       ({@code document}: the input JSON text, unchanged) plus the embedding field (and the metadata field).
 *       The document's own fields are not turned into Avro fields: JSON carries no schema, and a schema guessed
 *       from each document would change whenever a document leaves out an optional field, which the registry's
 *       compatibility check would then refuse.</li>
 * </ul>
 * Avro input is always written as Avro.
 */
public enum OutputFormat {
    JSON, AVRO;

    @JsonCreator
    public static OutputFormat of(String value) {
        return Choices.parse(OutputFormat.class, value);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
