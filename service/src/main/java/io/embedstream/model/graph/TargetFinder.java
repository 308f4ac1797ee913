package io.embedstream.model.graph;

import io.embedstream.model.ModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.proto.NodeDef;

/** Resolves user-given layer and op names against an {@link InferencePath}. Stateless. */
final class TargetFinder {

    private static final Pattern INDEXED = Pattern.compile("(.+):(\\d+)");
    private static final Pattern BODY_SPELLING = Pattern.compile("(.+):([A-Za-z_][A-Za-z0-9_]*):(\\d+)");

    private TargetFinder() {}

    static Optional<Target> find(InferencePath path, LayerCatalog catalog, String spec) {
        Optional<Layer> layer = catalog.find(spec);
        if (layer.isPresent()) {
            return Optional.of(forLayer(catalog.frame(), layer.get()));
        }
        for (Frame frame : searchOrder(path)) {
            Optional<Target> t = opInFrame(frame, spec);
            if (t.isPresent()) {
                return t;
            }
        }
        return Optional.empty();
    }

    static Target forLayer(Frame frame, Layer layer) {
        return target(layer.name(), layer.name(), frame, layer.output());
    }

    private static List<Frame> searchOrder(InferencePath path) {
        List<Frame> order = new ArrayList<>();
        order.add(path.modelFrame());
        for (Frame f : path.frames()) {
            if (f != path.modelFrame()) {
                order.add(f);
            }
        }
        return order;
    }

    private static Optional<Target> opInFrame(Frame frame, String spec) {
        Body body = frame.body();
        if (body.node(spec).isPresent()) {
            return Optional.of(target(spec, null, frame, new TensorRef(spec, 0)));
        }
        Matcher bodySpelling = BODY_SPELLING.matcher(spec);
        if (body.isFunction() && bodySpelling.matches() && body.node(bodySpelling.group(1)).isPresent()) {
            TensorRef t = body.parse(spec);
            return Optional.of(target(spec, null, frame, t));
        }
        Matcher indexed = INDEXED.matcher(spec);
        if (indexed.matches() && body.node(indexed.group(1)).isPresent()) {
            NodeDef node = body.requireNode(indexed.group(1));
            int index = Integer.parseInt(indexed.group(2));
            int count = body.ops().outputCount(node);
            if (index >= count) {
                throw new ModelException("model.layer: '" + spec + "' is out of range; op '" + node.getName() + "' ("
                        + node.getOp() + ") has " + count + " output(s)");
            }
            return Optional.of(target(spec, null, frame, new TensorRef(node.getName(), index)));
        }
        return Optional.empty();
    }

    private static Target target(String requested, String layer, Frame frame, TensorRef t) {
        Body body = frame.body();
        String opType = body.isArg(t) ? "_Arg" : body.requireNode(t.node()).getOp();
        if (!body.isArg(t) && body.ops().outputCount(body.requireNode(t.node())) == 0) {
            throw new ModelException("model.layer: '" + requested + "' names op '" + t.node() + "' (" + opType
                    + "), which has no outputs to take");
        }
        return new Target(requested, layer, frame, t, opType, body.dtype(t), body.staticShape(t).orElse(null));
    }
}
