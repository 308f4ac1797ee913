package io.embedstream.stream;

import io.embedstream.model.ModelFingerprint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The embedding space an instance writes in: embeddings are comparable only when they come from the same model
 * weights, the same layer, the same pooling and the same normalisation. {@link #id()} is 16 hex digits (64 bits) of a
 * SHA-256 over exactly those: the model's {@link ModelFingerprint fingerprint}, the graph tensor the layer resolves
 * to (so {@code dense} and {@code sequential/dense/Relu} are one space), the pooling and the normalisation. The
 * model's name and version, its directory and the image preprocessing settings are not part of it.
 *
 * <p>Every output record carries it in two headers (all output formats, the fixed {@code EnrichedRecord} too):
 * {@value #ID_HEADER} (the id) and {@value #MODEL_HEADER} ({@code model=...;version=...;layer=...;pooling=...;
 * normalization=...;dimension=...}, for people and for the start-up check's message). Immutable.
 *
 * @param id            the space id
 * @param modelName     {@code model.name}
 * @param modelVersion  {@code model.version}
 * @param layer         the layer as configured (or the signature output's name)
 * @param pooling       {@code embedding.pooling}
 * @param normalization {@code embedding.normalize}
 * @param dimension     the embedding length; -1 while it is not known (a layer whose shape TensorFlow does not
 *                      know before the first batch)
 */
public record EmbeddingSpace(String id, String modelName, String modelVersion, String layer, String pooling,
        String normalization, int dimension) {

    /** Record header with the space id. */
    public static final String ID_HEADER = "embedstream.embedding-space";
    /** Record header with {@link #describe()}. */
    public static final String MODEL_HEADER = "embedstream.embedding-model";

    /**
     * The space of {@code metadata}'s layer of the model whose fingerprint is {@code modelFingerprint}.
     *
     * @param layerTensor the graph tensor the layer resolves to ({@code op:index})
     */
    public static EmbeddingSpace of(String modelFingerprint, String layerTensor, OutputMetadata metadata,
            int dimension) {
        return new EmbeddingSpace(id(modelFingerprint, layerTensor, metadata.pooling(), metadata.normalization()),
                metadata.modelName(), metadata.modelVersion(), metadata.layer(), metadata.pooling(),
                metadata.normalization(), dimension);
    }

    /** The id for these parts: the first 16 hex digits of SHA-256 over them. */
    public static String id(String modelFingerprint, String layerTensor, String pooling, String normalization) {
        String text = "embedstream-space-v1\n" + modelFingerprint + "\n" + layerTensor + "\n" + pooling + "\n"
                + normalization;
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** This space with the embedding length now known. */
    public EmbeddingSpace withDimension(int newDimension) {
        return newDimension == dimension ? this
                : new EmbeddingSpace(id, modelName, modelVersion, layer, pooling, normalization, newDimension);
    }

    /** {@code model=grenade-mlp;version=1;layer=dense_761;pooling=none;normalization=l2;dimension=8}. */
    public String describe() {
        return "model=" + modelName + ";version=" + modelVersion + ";layer=" + layer + ";pooling=" + pooling
                + ";normalization=" + normalization + ";dimension=" + (dimension < 0 ? "?" : dimension);
    }

    /** The two headers every output record carries. */
    public List<Header> headers() {
        return List.of(new RecordHeader(ID_HEADER, id.getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(MODEL_HEADER, describe().getBytes(StandardCharsets.UTF_8)));
    }

    /** The space id in a record's headers, if it has one (records of older versions do not). */
    public static Optional<String> idOf(Headers headers) {
        return last(headers, ID_HEADER);
    }

    /** The description in a record's headers, if it has one. */
    public static Optional<String> descriptionOf(Headers headers) {
        return last(headers, MODEL_HEADER);
    }

    /** The parts of a {@link #describe()} text, in order ({@code model}, {@code version}, {@code layer}, ...). */
    public static Map<String, String> parseDescription(String description) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : description.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return parts;
    }

    private static Optional<String> last(Headers headers, String key) {
        if (headers == null) {
            return Optional.empty();
        }
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? Optional.empty()
                : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }
}
