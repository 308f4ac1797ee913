package io.embedstream.stream;

import io.embedstream.failure.FailureReason;
import io.embedstream.failure.RecordFailure;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelInputException;
import io.embedstream.postprocess.Postprocessor;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs rows through the model as one batch and post-processes the result. When TensorFlow rejects
 * the input values ({@link ModelInputException}), it splits the batch in halves until the rejected
 * records are isolated, so that only they fail. Other model errors propagate: they are not caused by
 * one record. Stateless and thread-safe; the session belongs to the calling thread.
 */
final class BatchEmbedder {

    private final Postprocessor postprocessor;
    private final long[] rowShape;

    BatchEmbedder(Postprocessor postprocessor, long[] rowShape) {
        this.postprocessor = postprocessor;
        this.rowShape = rowShape.clone();
    }

    /** One outcome per row, in order. */
    List<VectorOutcome> embed(InferenceSession session, List<float[]> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        try {
            float[][] embeddings = postprocessor.apply(session.run(FloatBatch.ofRows(rows.toArray(float[][]::new), rowShape)));
            List<VectorOutcome> out = new ArrayList<>(rows.size());
            for (float[] e : embeddings) {
                out.add(VectorOutcome.ok(e));
            }
            return out;
        } catch (ModelInputException e) {
            if (rows.size() == 1) {
                return List.of(VectorOutcome.failed(RecordFailure.of(FailureReason.MODEL_REJECTED, e)));
            }
            int half = rows.size() / 2;
            List<VectorOutcome> out = new ArrayList<>(embed(session, rows.subList(0, half)));
            out.addAll(embed(session, rows.subList(half, rows.size())));
            return out;
        }
    }
}
