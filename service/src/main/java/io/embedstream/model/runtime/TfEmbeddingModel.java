package io.embedstream.model.runtime;

import io.embedstream.config.SessionMode;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelDescription;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * A loaded model: one {@link ModelGraph} plus either one session per {@link #openSession()} call
 * (per-thread) or one session shared by all callers (shared; TF sessions are thread-safe).
 *
 * <p>Thread-safe. Owns the graph and the shared session. {@link #close()} should come after every
 * session opened here is closed; sessions still open then are closed first (with a warning), since a
 * graph cannot be freed while sessions use it.
 */
public final class TfEmbeddingModel implements EmbeddingModel {

    private static final Logger log = LoggerFactory.getLogger(TfEmbeddingModel.class);

    private final ModelGraph graph;
    private final ModelDescription description;
    private final SessionMode mode;
    private final ConfigProto config;
    private final Output<?> input;
    private final Output<?> output;
    private final long[] inputShape;
    private final Session shared;
    private final Set<TfInferenceSession> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Takes ownership of {@code graph}; on failure it is closed here.
     *
     * @param inputTensor  top-level tensor to feed, {@code op:index}
     * @param outputTensor top-level tensor to fetch, {@code op:index}
     * @param inputShape   the input's static shape (-1 = any), or null when the rank is unknown
     */
    public TfEmbeddingModel(ModelGraph graph, ModelDescription description, SessionMode mode, SessionSettings settings,
                            String inputTensor, String outputTensor, long[] inputShape) {
        this.graph = graph;
        this.description = description;
        this.mode = mode;
        this.config = settings.toConfigProto();
        this.inputShape = inputShape;
        try {
            this.input = graph.output(inputTensor);
            this.output = graph.output(outputTensor);
            this.shared = mode == SessionMode.SHARED ? graph.openSession(config) : null;
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    @Override
    public ModelDescription description() {
        return description;
    }

    @Override
    public InferenceSession openSession() {
        if (closed) {
            throw new IllegalStateException("model '" + description.name() + "' is closed");
        }
        boolean own = mode == SessionMode.PER_THREAD;
        Session session = own ? graph.openSession(config) : shared;
        TfInferenceSession s = new TfInferenceSession(session, own, input, output, description.input().name(),
                inputShape, description.name(), open::remove);
        open.add(s);
        return s;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<TfInferenceSession> leftOpen = List.copyOf(open);
        if (!leftOpen.isEmpty()) {
            log.warn("Model '{}' closed with {} session(s) still open; closing them now", description.name(),
                    leftOpen.size());
            leftOpen.forEach(TfInferenceSession::close);
        }
        try {
            if (shared != null) {
                shared.close();
            }
        } finally {
            graph.close();
        }
    }
}
