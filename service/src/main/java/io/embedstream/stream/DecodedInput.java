package io.embedstream.stream;

import java.util.Map;

/**
 * A decoded, validated input record.
 *
 * @param id          the caller's id
 * @param attributes  copied to the output
 * @param eventTime   epoch millis, or {@code null}
 * @param payload     what the format needs to make the model input row
 */
public record DecodedInput<T>(String id, Map<String, String> attributes, Long eventTime, T payload) {}
