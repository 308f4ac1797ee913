package io.embedstream.config;

/**
 * The topics the service reads and writes.
 *
 * @param input      records to enrich
 * @param output     enriched records (Avro, Confluent wire format)
 * @param deadLetter records that could not be enriched, with their original bytes and provenance headers;
 *                   defaults to {@code <input>.dlq}
 */
public record TopicsConfig(String input, String output, String deadLetter) {
    public TopicsConfig {
        input = Checks.requireText("topics.input", input);
        output = Checks.requireText("topics.output", output);
        deadLetter = deadLetter == null || deadLetter.isBlank() ? input + ".dlq" : deadLetter.trim();
        if (input.equals(output) || input.equals(deadLetter) || output.equals(deadLetter)) {
            throw new ConfigException("topics: input '" + input + "', output '" + output + "' and dead-letter '"
                    + deadLetter + "' must be three different topics");
        }
    }
}
