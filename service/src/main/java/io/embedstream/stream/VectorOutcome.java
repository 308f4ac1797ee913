package io.embedstream.stream;

import io.embedstream.failure.RecordFailure;

/** A vector for one record (a model input row, or an embedding), or why there is none. Exactly one is set. */
public record VectorOutcome(float[] vector, RecordFailure failure) {
    public static VectorOutcome ok(float[] vector) {
        return new VectorOutcome(vector, null);
    }

    public static VectorOutcome failed(RecordFailure failure) {
        return new VectorOutcome(null, failure);
    }

    public boolean isOk() {
        return failure == null;
    }
}
