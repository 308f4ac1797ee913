package io.embedstream.model;

/**
 * What was loaded, for logs, output metadata and the {@code inspect} command.
 *
 * @param name    model name (from config)
 * @param version model version (from config)
 * @param input   the tensor that is fed
 * @param output  the tensor that is fetched: the embedding layer before pooling
 * @param device  where it runs, as resolved at load time (e.g. {@code cpu}, {@code gpu:0})
 */
public record ModelDescription(String name, String version, TensorInfo input, TensorInfo output, String device) {}
