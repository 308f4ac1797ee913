package io.embedstream.model.runtime;

import io.embedstream.model.ModelException;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TString;

/**
 * A TensorFlow {@link Graph} imported from a (possibly tapped) GraphDef, and the recipe that brings a
 * fresh {@link Session} on it to the saved state: restore the variables with the model's own restore
 * op, then run its init ops, as the SavedModel loader does.
 *
 * <p>Owns the graph: {@link #close()} closes it, after every session opened here has been closed.
 * Thread-safe: the graph is complete before the first session opens and is never changed after.
 */
public final class ModelGraph implements AutoCloseable {

    private final Graph graph;
    private final Optional<ModelSource.Restore> restore;
    private final List<String> initOps;

    /**
     * @throws ModelException when TensorFlow rejects the graph
     */
    public ModelGraph(GraphDef graphDef, Optional<ModelSource.Restore> restore, List<String> initOps) {
        Graph g = new Graph();
        try {
            g.importGraphDef(graphDef);
        } catch (IllegalArgumentException | TensorFlowException e) {
            g.close();
            throw new ModelException("TensorFlow rejected the model graph: " + e.getMessage(), e);
        }
        this.graph = g;
        this.restore = restore;
        this.initOps = List.copyOf(initOps);
    }

    /**
     * The graph output {@code op:index}.
     *
     * @throws ModelException when the graph has no such tensor
     */
    public Output<?> output(String tensorName) {
        Output<?> out = graph.output(tensorName);
        if (out == null) {
            throw new ModelException("the model graph has no tensor '" + tensorName + "'");
        }
        return out;
    }

    /**
     * Opens a session with the saved variable values. The caller owns it and must close it before
     * closing this graph.
     */
    public Session openSession(ConfigProto config) {
        Session session = new Session(graph, config);
        try {
            if (restore.isPresent()) {
                ModelSource.Restore r = restore.get();
                try (TString prefix = TString.scalarOf(r.prefix())) {
                    session.runner().addTarget(r.restoreOp()).feed(r.filenameTensor(), prefix).run().close();
                }
            }
            for (String op : initOps) {
                session.runner().addTarget(op).run().close();
            }
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw new ModelException("cannot restore the model's variables into a new session: " + e.getMessage(), e);
        }
    }

    /** The shape TensorFlow infers for a tensor of the imported graph, -1 for unknown dimensions; null if the rank is unknown. */
    public long[] staticShape(String tensorName) {
        org.tensorflow.ndarray.Shape shape = output(tensorName).shape();
        return shape.isUnknown() ? null : shape.asArray();
    }

    public Graph graph() {
        return graph;
    }

    @Override
    public void close() {
        graph.close();
    }
}
