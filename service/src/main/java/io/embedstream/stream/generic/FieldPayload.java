package io.embedstream.stream.generic;

import io.embedstream.stream.ImageInputHandler.PendingImage;

/**
 * What a decoded Avro or JSON record carries from the stream thread to the inference worker: the small facts its
 * output needs (the input's own bytes stay in {@link io.embedstream.stream.PendingRecord}) and, for an image field,
 * the running fetch. Immutable.
 *
 * @param writerSchemaId the Avro writer schema id of the input record; -1 for JSON
 * @param key            the output key taken from {@code output.key-field}, or {@code null} to keep the input key
 * @param image          the image fetch under way, or {@code null} when decoding wrote the feature row
 */
public record FieldPayload(int writerSchemaId, byte[] key, PendingImage image) {}
