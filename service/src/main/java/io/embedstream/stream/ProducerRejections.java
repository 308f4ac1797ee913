package io.embedstream.stream;

import io.embedstream.failure.FailureReason;
import io.embedstream.failure.RecordFailure;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records the producer refused although the processor's checks ({@link RecordLimits}, {@link TopicRules}) let them
 * through, so that they are dead-lettered when they come round again instead of stopping the instance.
 *
 * <p><b>Why the stream thread is replaced.</b> Kafka Streams reports a refused send to the production exception
 * handler ({@link ProducerFailureHandler}) from the producer's callback, after the stream thread has moved on. Under
 * exactly-once the refusal has already put the transactional producer into an error state: whatever the handler
 * answers, the transaction aborts and the stream thread fails at its next commit (checked with Kafka Streams 4.4
 * on a compacted output topic and a record without key, and on a record whose timestamp the topic refuses). Under
 * at-least-once a refused record can be skipped, but only silently: a dead letter handed back to Kafka Streams from
 * the callback is sent from the producer's own network thread, which then waits up to {@code max.block.ms} for the
 * dead-letter topic's metadata that only it could fetch. So the handler notes here which input record the refused
 * record was written for, and fails; the stream thread dies, the runner replaces it ({@link #takeReplacement()}),
 * and the new thread processes again from the last commit: this time the processor finds the record here and
 * dead-letters it, with the producer's reason. A dead letter that is itself refused is noted the same way, and the
 * next attempt writes a minimal one (provenance headers only); if even that is refused the instance stops.
 *
 * <p><b>Finding the input record.</b> An output record's value array reaches the producer unchanged (the sinks use
 * {@code ByteArraySerializer}), so the processor registers each value it forwards ({@link #track}) in a weak identity
 * map; a dead letter carries its provenance in its headers. Thread-safe; one instance per service, shared by all
 * stream threads and the handler.
 */
public final class ProducerRejections {

    /** Where an input record is. */
    record Source(String topic, int partition, long offset) {
        static Source of(PendingRecord record) {
            return new Source(record.topic(), record.partition(), record.offset());
        }

        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    /** Why the producer refused what was written for one input record. */
    private record Rejection(RecordFailure output, int deadLetterRefusals) {}

    private final Map<byte[], Source> forwarded = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<Source, Rejection> rejected = new ConcurrentHashMap<>(); // almost always empty
    private final AtomicBoolean replace = new AtomicBoolean();

    /** Remembers which input record an output value was written for, while the producer may still refuse it. */
    void track(byte[] outputValue, PendingRecord source) {
        forwarded.put(outputValue, Source.of(source));
    }

    /**
     * Notes that the producer refused the output record whose value is {@code outputValue}.
     *
     * @return the input record it was written for, or null if it is not known (then nothing is noted)
     */
    Source outputRefused(byte[] outputValue, FailureReason reason, String message) {
        Source source = outputValue == null ? null : forwarded.get(outputValue);
        if (source == null) {
            return null;
        }
        rejected.put(source, new Rejection(new RecordFailure(reason, ProducerFailureHandler.class.getName(),
                message), 0));
        replace.set(true);
        return source;
    }

    /**
     * Notes that the producer refused the dead letter written for {@code source}.
     *
     * @return false if a minimal dead letter was refused already: nothing more can be tried for it
     */
    boolean deadLetterRefused(Source source) {
        boolean[] noted = {false};
        rejected.compute(source, (key, before) -> {
            int refusals = before == null ? 0 : before.deadLetterRefusals();
            if (refusals >= 1) {
                return before;
            }
            noted[0] = true;
            return new Rejection(before == null ? null : before.output(), refusals + 1);
        });
        if (noted[0]) {
            replace.set(true);
        }
        return noted[0];
    }

    /** Why the producer refused the output record of this input record before, or null. */
    RecordFailure outputFailure(PendingRecord record) {
        if (rejected.isEmpty()) {
            return null;
        }
        Rejection r = rejected.get(Source.of(record));
        return r == null ? null : r.output();
    }

    /** Whether the producer refused a dead letter of this input record before: the next one must be minimal. */
    boolean deadLetterRefused(PendingRecord record) {
        if (rejected.isEmpty()) {
            return false;
        }
        Rejection r = rejected.get(Source.of(record));
        return r != null && r.deadLetterRefusals() > 0;
    }

    /**
     * Whether a refusal was noted since the last call: the stream thread that just died should be replaced, so that
     * the record is dead-lettered, rather than the instance stopped.
     */
    public boolean takeReplacement() {
        return replace.getAndSet(false);
    }
}
