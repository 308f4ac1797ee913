package io.embedstream.model;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code inspect} prints about a model.
 *
 * @param location       the model directory or file
 * @param format         {@code SAVED_MODEL} or {@code FROZEN_GRAPH}
 * @param kind           {@code keras-functions} (layers inside function bodies, tapped on demand) or {@code graph} (TF1-style)
 * @param signatures     every signature, the init marker left out; empty for a frozen graph
 * @param signature      the signature whose layers are listed (from config), or null for a frozen graph
 * @param layers         the layers on that signature's inference path, in execution order
 * @param suggestedLayer the layer most likely meant as the embedding (the last before the classifier head), or null
 */
public record ModelInspection(Path location, String format, String kind, List<SignatureInfo> signatures,
                              String signature, List<LayerInfo> layers, String suggestedLayer) {
    public ModelInspection {
        signatures = List.copyOf(signatures);
        layers = List.copyOf(layers);
    }
}
