package io.embedstream.stream;

import io.embedstream.failure.RecordFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * One micro-batch of a stream thread: the model input rows in one array (row {@code i} at
 * {@code [i * rowLength, (i+1) * rowLength)}) and, per row, the record it belongs to. Records of every task of
 * the thread share it. Filled on the stream thread, then handed whole to the inference worker, which writes the
 * rows that decoding left open and runs it; the stream thread does not touch it again until the worker is done.
 *
 * @param <T> the input format's payload type
 */
final class Batch<T> {

    /** One record of the batch, and where its result goes. */
    record Entry<T>(Completion completion, long sequence, DecodedInput<T> decoded, PendingRecord source) {}

    /** Receives the outcome of one record, on the stream thread that owns the record's task. */
    interface Completion {
        void complete(long sequence, Outcome outcome);
    }

    /** The result for one record: the output to forward, or why it failed. Exactly one is set. */
    record Outcome(OutputWriter.Output output, RecordFailure failure) {
        static Outcome ok(OutputWriter.Output output) {
            return new Outcome(output, null);
        }

        static Outcome failed(RecordFailure failure) {
            return new Outcome(null, failure);
        }
    }

    private final float[] rows;
    private final int rowLength;
    private final List<Entry<T>> entries;
    private long openedAtMs;

    Batch(float[] rows, int rowLength, int capacity, long openedAtMs) {
        this.rows = rows;
        this.rowLength = rowLength;
        this.entries = new ArrayList<>(capacity);
        this.openedAtMs = openedAtMs;
    }

    float[] rows() {
        return rows;
    }

    int rowLength() {
        return rowLength;
    }

    /** Where the next record's row goes. */
    int nextOffset() {
        return entries.size() * rowLength;
    }

    /** Adds a record; the first one starts the linger clock. */
    void add(Entry<T> entry, long nowMs) {
        if (entries.isEmpty()) {
            openedAtMs = nowMs;
        }
        entries.add(entry);
    }

    List<Entry<T>> entries() {
        return entries;
    }

    int size() {
        return entries.size();
    }

    /** How many input partitions its records come from. */
    int partitions() {
        List<PendingRecord> distinct = new ArrayList<>();
        next:
        for (Entry<T> e : entries) {
            PendingRecord source = e.source();
            for (PendingRecord seen : distinct) {
                if (seen.partition() == source.partition() && seen.topic().equals(source.topic())) {
                    continue next;
                }
            }
            distinct.add(source);
        }
        return distinct.size();
    }

    /** Wall-clock time when the first record was added (or the batch was opened, while it is empty). */
    long openedAtMs() {
        return openedAtMs;
    }
}
