package io.embedstream.stream;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.config.BatchingConfig;
import io.embedstream.model.InferenceSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes input records, buffers them durably, and enriches them in micro-batches.
 *
 * <p><b>Durability.</b> Kafka Streams commits the offset of every record that {@link #process} has
 * returned from. A valid record is therefore written to the changelogged buffer store before
 * {@code process} returns; it leaves the store only in the same flush that forwards its result. Under
 * exactly-once, the store's changelog, the outputs and the offsets commit in one transaction; under
 * at-least-once the changelog is flushed before offsets are committed. After a crash the store is
 * restored and its records are flushed, so no record is lost. The store is cached: Kafka Streams
 * flushes the cache to the changelog before every commit, so the guarantee holds, and a record that is
 * buffered and flushed within one commit interval costs a small tombstone in the changelog instead of
 * a copy of its bytes.
 *
 * <p><b>Batching.</b> A batch runs when the buffer holds {@code batching.max-size} records whose
 * inputs are ready, or at the wall-clock punctuation after its oldest record has waited
 * {@code batching.linger-ms}, or at once when the runner drains the buffers for shutdown. While a full
 * batch waits for its image fetches, the thread keeps consuming (up to {@value #AHEAD_BATCHES} batches),
 * so that fetches of later batches overlap. Records of a task are forwarded in arrival order.
 *
 * <p><b>Bad input.</b> Records that do not decode or validate, and records that the input handler or
 * the model rejects, go to the dead-letter sink with their original bytes and provenance headers.
 *
 * <p><b>Lifecycle.</b> One instance per task, used by that task's stream thread only. It owns nothing
 * that needs closing: the TF session belongs to the thread ({@code sessions}), the store to Kafka Streams.
 */
public final class EmbeddingProcessor<T> implements Processor<byte[], byte[], byte[], byte[]> {

    public static final String BUFFER_STORE = "embedstream-batch-buffer";
    static final String OUTPUT_SINK = "output-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingProcessor.class);
    /** How many full batches may wait for their inputs before the thread blocks on the oldest. */
    static final int AHEAD_BATCHES = 4;

    private final InputHandler<T> input;
    private final Supplier<InferenceSession> sessions;
    private final BatchEmbedder embedder;
    private final Enricher enricher;
    private final Serializer<EnrichedRecord> serializer;
    private final String outputTopic;
    private final BatchingConfig batching;
    private final BatchBuffers buffers;
    private final StreamMetrics metrics;

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Long, byte[]> store;
    /**
     * The store's contents in arrival order, kept in memory so that a flush never reads the store back.
     * The store is the durable copy; this view is rebuilt from it in {@link #init}.
     */
    private final NavigableMap<Long, Buffered<T>> buffered = new TreeMap<>();
    private long nextSequence;
    private long oldestPendingSinceMs = -1;

    /** A buffered record; {@code decoded} is null for a record restored after a restart until its batch runs. */
    private record Buffered<T>(PendingRecord source, DecodedInput<T> decoded) {}

    EmbeddingProcessor(InputHandler<T> input, Supplier<InferenceSession> sessions, BatchEmbedder embedder,
            Enricher enricher, Serializer<EnrichedRecord> serializer, String outputTopic, BatchingConfig batching,
            BatchBuffers buffers, StreamMetrics metrics) {
        this.input = input;
        this.sessions = sessions;
        this.embedder = embedder;
        this.enricher = enricher;
        this.serializer = serializer;
        this.outputTopic = outputTopic;
        this.batching = batching;
        this.buffers = buffers;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(BUFFER_STORE);
        try (KeyValueIterator<Long, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> entry = it.next();
                buffered.put(entry.key, new Buffered<>(PendingRecord.fromBytes(entry.value), null));
                nextSequence = entry.key + 1;
            }
        }
        if (!buffered.isEmpty()) {
            buffers.added(buffered.size());
            oldestPendingSinceMs = context.currentSystemTimeMs();
            LOG.info("Task {} restored {} buffered records; they run at the next flush", context.taskId(), buffered.size());
        }
        sessions.get(); // open this thread's TF session now, so that the first batch does not wait for it
        long interval = Math.max(1, Math.min(batching.lingerMs(), 1000) / 4);
        context.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("input record without topic/partition/offset"));
        PendingRecord pending = new PendingRecord(meta.topic(), meta.partition(), meta.offset(), record.timestamp(),
                record.key(), record.value(), record.headers());
        metrics.received();
        DecodedInput<T> decoded;
        try {
            decoded = input.decode(meta.topic(), record.value());
        } catch (InvalidRecordException e) {
            deadLetter(pending, RecordFailure.of(e));
            return;
        }
        long sequence = nextSequence++;
        store.put(sequence, pending.toBytes());
        if (buffered.isEmpty()) {
            oldestPendingSinceMs = context.currentSystemTimeMs();
        }
        buffered.put(sequence, new Buffered<>(pending, decoded));
        buffers.added(1);
        if (batching.lingerMs() == 0) {
            flush(true);
        } else {
            flushReadyBatches();
        }
    }

    private void punctuate(long nowMs) {
        if (!buffered.isEmpty() && (nowMs - oldestPendingSinceMs >= batching.lingerMs() || buffers.draining())) {
            flush(true);
        } else {
            flushReadyBatches();
        }
    }

    /**
     * Runs full batches whose inputs are ready (image fetches done). A full batch that is still waiting
     * for its inputs does not block the thread: the thread goes on consuming, so that the next batches'
     * fetches start, until the buffer holds {@link #AHEAD_BATCHES} batches; then it waits.
     */
    private void flushReadyBatches() {
        while (buffered.size() >= batching.maxSize()) {
            if (buffered.size() < AHEAD_BATCHES * batching.maxSize() && !firstBatchReady()) {
                return;
            }
            flush(false);
        }
    }

    private boolean firstBatchReady() {
        return buffered.values().stream().limit(batching.maxSize())
                .allMatch(b -> b.decoded() == null || input.isReady(b.decoded().payload()));
    }

    /** Runs one full batch; with {@code all}, every buffered record in full batches and a last partial one. */
    private void flush(boolean all) {
        boolean first = true;
        while ((first && buffered.size() >= batching.maxSize()) || (all && !buffered.isEmpty())) {
            first = false;
            List<Map.Entry<Long, Buffered<T>>> batch = new ArrayList<>(Math.min(buffered.size(), batching.maxSize()));
            for (Map.Entry<Long, Buffered<T>> entry : buffered.entrySet()) {
                if (batch.size() == batching.maxSize()) {
                    break;
                }
                batch.add(entry);
            }
            runBatch(batch.stream().map(Map.Entry::getValue).toList());
            for (Map.Entry<Long, Buffered<T>> entry : batch) {
                store.delete(entry.getKey());
                buffered.remove(entry.getKey());
            }
            buffers.removed(batch.size());
            oldestPendingSinceMs = buffered.isEmpty() ? -1 : context.currentSystemTimeMs();
        }
    }

    private void runBatch(List<Buffered<T>> entries) {
        long waitedMs = oldestPendingSinceMs < 0 ? 0 : context.currentSystemTimeMs() - oldestPendingSinceMs;
        List<PendingRecord> sources = new ArrayList<>(entries.size());
        List<DecodedInput<T>> decoded = new ArrayList<>(entries.size());
        for (Buffered<T> entry : entries) {
            DecodedInput<T> d = entry.decoded() != null ? entry.decoded() : decodeRestored(entry.source());
            if (d != null) {
                sources.add(entry.source());
                decoded.add(d);
            }
        }
        List<VectorOutcome> rows = input.rows(decoded.stream().map(DecodedInput::payload).toList());
        List<float[]> okRows = new ArrayList<>(rows.size());
        for (VectorOutcome row : rows) {
            if (row.isOk()) {
                okRows.add(row.vector());
            }
        }
        long start = System.nanoTime();
        List<VectorOutcome> embeddings = embedder.embed(sessions.get(), okRows);
        long inferenceNanos = System.nanoTime() - start;
        int enriched = 0;
        for (int i = 0, e = 0; i < sources.size(); i++) {
            VectorOutcome outcome = rows.get(i).isOk() ? embeddings.get(e++) : rows.get(i);
            PendingRecord source = sources.get(i);
            if (outcome.isOk()) {
                byte[] value = serializer.serialize(outputTopic, enricher.enrich(decoded.get(i), source, outcome.vector()));
                context.forward(new Record<>(source.key(), value, source.timestamp(), source.headers()), OUTPUT_SINK);
                metrics.forwarded(source.timestamp());
                enriched++;
            } else {
                deadLetter(source, outcome.failure());
            }
        }
        if (!okRows.isEmpty()) metrics.batch(okRows.size(), inferenceNanos, waitedMs); // only batches that ran
        metrics.enriched(enriched);
    }

    /** A buffered record restored after a restart: decode it again (it was valid when it arrived). */
    private DecodedInput<T> decodeRestored(PendingRecord pending) {
        try {
            return input.decode(pending.topic(), pending.value());
        } catch (InvalidRecordException e) {
            deadLetter(pending, RecordFailure.of(e));
            return null;
        }
    }

    private void deadLetter(PendingRecord source, RecordFailure failure) {
        RecordFailure located = new RecordFailure(failure.reason(), failure.errorClass(),
                "record " + source.coordinates() + ": " + failure.message());
        LOG.warn("Dead-lettered {}: {}", failure.reason(), located.message());
        context.forward(new Record<>(source.key(), source.value(), source.timestamp(),
                DeadLetterHeaders.build(source.headers(), source.topic(), source.partition(), source.offset(), located)),
                DEAD_LETTER_SINK);
        metrics.deadLettered(failure.reason());
    }

    @Override
    public void close() {
        if (!buffered.isEmpty()) {
            LOG.info("Task {} closes with {} records in its durable buffer; they run when the task next starts",
                    context.taskId(), buffered.size());
            buffers.removed(buffered.size());
        }
    }
}
