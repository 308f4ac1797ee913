package io.embedstream.stream;

/**
 * What a topic refuses besides size, read from its configuration at start-up, so that the processor can
 * dead-letter a record the broker would refuse instead of sending it: under exactly-once a refused send puts the
 * transactional producer into an error state, the transaction aborts, and the same record would stop the stream
 * thread again on every attempt. Immutable.
 *
 * @param keyRequired          the topic is compacted ({@code cleanup.policy} contains {@code compact}): a record
 *                             without a key is refused
 * @param createTime           {@code message.timestamp.type} is {@code CreateTime}, so the broker checks the
 *                             record's timestamp against the next two settings ({@code LogAppendTime} replaces it)
 * @param timestampBeforeMaxMs {@code message.timestamp.before.max.ms}: how far a timestamp may lie in the past
 * @param timestampAfterMaxMs  {@code message.timestamp.after.max.ms}: how far a timestamp may lie in the future
 */
public record TopicRules(boolean keyRequired, boolean createTime, long timestampBeforeMaxMs,
        long timestampAfterMaxMs) {

    /** A topic that takes any key and timestamp. */
    public static final TopicRules ANY = new TopicRules(false, false, Long.MAX_VALUE, Long.MAX_VALUE);

    /**
     * The broker compares the timestamp with its own clock when it appends the record, a little later than the
     * processor checks, and clocks differ: a timestamp this close to either edge of the window (at most a minute,
     * at most a tenth of the window) counts as refused.
     */
    static final long MAX_MARGIN_MS = 60_000;

    public TopicRules {
        if (timestampBeforeMaxMs < 0 || timestampAfterMaxMs < 0) {
            throw new IllegalArgumentException("timestamp windows must not be negative: " + timestampBeforeMaxMs
                    + ", " + timestampAfterMaxMs);
        }
    }

    /** Whether the topic takes a record with this key. */
    boolean acceptsKey(byte[] key) {
        return key != null || !keyRequired;
    }

    /** Whether the topic takes a record with this timestamp when the broker's clock reads about {@code nowMs}. */
    boolean acceptsTimestamp(long timestamp, long nowMs) {
        if (!createTime) {
            return true;
        }
        long earliest = saturatedAdd(nowMs, -timestampBeforeMaxMs + margin(timestampBeforeMaxMs));
        long latest = saturatedAdd(nowMs, timestampAfterMaxMs - margin(timestampAfterMaxMs));
        return timestamp >= earliest && timestamp <= latest;
    }

    /** The window the topic takes, for messages: {@code [now - before, now + after]}. */
    String describeTimestampWindow() {
        return "message.timestamp.before.max.ms=" + timestampBeforeMaxMs + ", message.timestamp.after.max.ms="
                + timestampAfterMaxMs;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }

    private static long margin(long window) {
        return Math.min(MAX_MARGIN_MS, window / 10);
    }
}
