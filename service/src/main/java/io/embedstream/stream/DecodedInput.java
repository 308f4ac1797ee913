package io.embedstream.stream;

import java.util.Map;

/**
 * A decoded, validated input record. Immutable once built; it travels from the stream thread to the
 * inference worker and back.
 *
 * @param id          the caller's id
 * @param attributes  copied to the output
 * @param eventTime   epoch millis, or {@code null}
 * @param payload     what the format needs to finish the model input row later ({@code null} when decoding
 *                    wrote the row)
 */
public record DecodedInput<T>(String id, Map<String, String> attributes, Long eventTime, T payload) {}
