package io.embedstream.model;

import io.embedstream.config.ModelConfig;
import io.embedstream.model.graph.Layer;
import io.embedstream.model.graph.Target;
import io.embedstream.model.graph.TensorResolver;
import io.embedstream.model.runtime.ModelSource;
import io.embedstream.model.runtime.ShapeProbe;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.SignatureDef;

/**
 * Describes a model for the {@code inspect} command: signatures, layers on the configured signature's
 * inference path (with output shapes) and the suggested embedding layer. {@code model.layer} is not
 * needed. Stateless and thread-safe.
 */
public final class ModelInspector {

    private static final Logger log = LoggerFactory.getLogger(ModelInspector.class);

    private ModelInspector() {}

    /**
     * @throws ModelException when the model, its tags, signature or input are not usable
     */
    public static ModelInspection inspect(ModelConfig config) {
        ModelSource source = ModelSource.open(config.dir(), config.tags());
        Optional<SignatureDef> signature = ModelSignatures.find(source, config.signature());
        TensorResolver resolver = ModelPlanner.resolver(source, signature);
        List<Layer> layers = resolver.catalog().layers();
        List<Target> targets = layers.stream().map(resolver::target).toList();
        List<long[]> shapes = new ArrayList<>(targets.stream().map(Target::shape).toList());
        if (!targets.isEmpty() && shapes.stream().anyMatch(ModelInspector::incomplete)) {
            shapes = probedShapes(source, signature, config, resolver, targets, shapes);
        }
        List<LayerInfo> infos = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            infos.add(new LayerInfo(l.name(), l.opName(), l.opType(), shapes.get(i), l.parameterised(), l.container()));
        }
        String kind = resolver.path().modelFrame().isTopLevel() ? "graph" : "keras-functions";
        return new ModelInspection(source.location(), source.format().name(), kind, ModelSignatures.describe(source),
                signature.isPresent() ? config.signature() : null, infos,
                resolver.catalog().suggestedEmbedding().map(Layer::name).orElse(null));
    }

    private static List<long[]> probedShapes(ModelSource source, Optional<SignatureDef> signature, ModelConfig config,
                                             TensorResolver resolver, List<Target> targets, List<long[]> fallback) {
        try {
            TensorInfo input = ModelPlanner.input(source, signature, config);
            return ShapeProbe.probe(source, resolver.reach(targets), input.op(), input.shape());
        } catch (RuntimeException e) {
            log.warn("Could not probe layer output shapes of {}: {}", source.location(), e.getMessage());
            return fallback;
        }
    }

    private static boolean incomplete(long[] shape) {
        return shape == null || Arrays.stream(shape).skip(1).anyMatch(d -> d < 0);
    }
}
