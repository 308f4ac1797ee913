package io.embedstream.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The records of one task that {@code process()} has accepted and whose results are not yet forwarded, in a
 * changelogged state store, so that they survive a crash.
 *
 * <p><b>What it stores: references, not payloads.</b> An entry is the record's coordinates (topic, partition,
 * offset), a few dozen bytes, whatever the record's size. Kafka Streams commits the input offset of every record
 * that {@code process()} has returned from; the record itself stays in the input topic, so after a restart
 * {@link SourceReader} reads it again by offset. This keeps the changelog small (a 5 MB image record costs
 * ~40 bytes, not 5 MB, and never hits the producer's request limit) at the price that a buffered record can be
 * lost to input retention: one that is no longer in the input topic when it is re-read is dead-lettered with
 * reason {@code SOURCE_RECORD_UNAVAILABLE}, never silently dropped.
 *
 * <p><b>Why this is enough for the guarantees.</b> An entry is written before {@code process()} returns, and
 * deleted in the same task (and so in the same transaction under exactly-once) as the output forwarded for it.
 * Under exactly-once the changelog, outputs and input offsets commit atomically: after a crash the restored
 * entries are exactly the records whose offsets are committed and whose outputs are not, and they are re-read and
 * processed. Under at-least-once the changelog is flushed before offsets are committed: a restored entry may have
 * its output already written (a duplicate, as at-least-once allows), never the other way round.
 *
 * <p>Used by one task's stream thread only; the store belongs to Kafka Streams.
 */
final class DurableBuffer {

    /** Where a buffered record is in the input topic. */
    record Reference(String topic, int partition, long offset) {}

    /** A restored entry: its sequence (the store key, arrival order) and reference. */
    record Entry(long sequence, Reference reference) {}

    /** Format 2: a reference. Format 1 (embedstream 0.1's full copy of the record) starts with the same fields. */
    private static final byte FORMAT = 2;
    private static final byte FORMAT_FULL_COPY = 1;

    private final KeyValueStore<Long, byte[]> store;

    DurableBuffer(KeyValueStore<Long, byte[]> store) {
        this.store = store;
    }

    void add(long sequence, PendingRecord record) {
        store.put(sequence, encode(new Reference(record.topic(), record.partition(), record.offset())));
    }

    void remove(long sequence) {
        store.delete(sequence);
    }

    /** Every entry, in sequence order: the records a previous owner of the task had not finished. */
    List<Entry> restore() {
        List<Entry> entries = new ArrayList<>();
        try (KeyValueIterator<Long, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> kv = it.next();
                entries.add(new Entry(kv.key, decode(kv.value)));
            }
        }
        entries.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        return entries;
    }

    static byte[] encode(Reference reference) {
        byte[] topic = reference.topic().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 2 + topic.length + 4 + 8).put(FORMAT).putShort((short) topic.length).put(topic)
                .putInt(reference.partition()).putLong(reference.offset()).array();
    }

    static Reference decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte format = in.get();
        if (format != FORMAT && format != FORMAT_FULL_COPY) {
            throw new IllegalStateException("batch buffer entry has format " + format + ", expected " + FORMAT
                    + "; it was written by a newer embedstream version (drain it with SIGTERM before downgrading)");
        }
        byte[] topic = new byte[in.getShort()];
        in.get(topic);
        return new Reference(new String(topic, StandardCharsets.UTF_8), in.getInt(), in.getLong());
    }
}
