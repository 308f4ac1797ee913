package io.embedstream.stream;

import io.embedstream.failure.FailureReason;
import io.embedstream.failure.RecordFailure;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy of one task: decode and validate each input record, keep it durably until its result is
 * forwarded, hand it to the stream thread's batcher, and forward results (or dead letters) in arrival order.
 *
 * <p><b>Pipelined inference.</b> The stream thread never runs the model: records go into its
 * {@link ThreadBatcher}, whose batches (shared by all tasks of the thread) run on the thread's
 * {@link InferenceWorker}. Results come back on the stream thread; each task forwards its own, and deletes their
 * buffer entries, in its own {@code process} or wall-clock punctuation, as Kafka Streams requires. A record's
 * result is forwarded only after the results of every earlier record of the task, so output order per
 * partition is arrival order.
 *
 * <p><b>Durability.</b> Before {@code process} returns, a valid record's coordinates are in the task's
 * changelogged {@link DurableBuffer}; the entry is deleted in the same task (so, under exactly-once, in the same
 * transaction) as the output forwarded for it. Kafka Streams may commit the record's input offset as soon as
 * {@code process} returns: if the instance dies before the output is committed, the next owner of the task
 * restores the entry, reads the record again from the input topic ({@link SourceReader}) and processes it. The
 * full argument is in {@link DurableBuffer}. A task that closes (rebalance, shutdown) with records in flight drops
 * their results: their entries are still in the buffer, so the next owner runs them again.
 *
 * <p><b>Bad input.</b> A record larger than {@code input.max-record-bytes}, one that does not decode or
 * validate, and one that fails later (image fetch, model rejection, output too large) goes to the dead-letter
 * sink with its original bytes (or, when they do not fit, without them) and provenance headers
 * ({@link DeadLetters}). Only failures that are not about one record (model failure, registry down, broker
 * gone) propagate, and stop the instance.
 *
 * <p><b>Lifecycle.</b> One instance per task, used by that task's stream thread only. It owns nothing that
 * needs closing: the batcher belongs to the thread ({@link ThreadBatchers}), the store to Kafka Streams.
 */
public final class EmbeddingProcessor<T> implements Processor<byte[], byte[], byte[], byte[]> {

    public static final String BUFFER_STORE = "embedstream-batch-buffer";
    static final String OUTPUT_SINK = "output-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingProcessor.class);

    private final EmbeddingPipeline<T> pipeline;
    private final Duration checkInterval;
    private final Results results = new Results();

    private ProcessorContext<byte[], byte[]> context;
    private DurableBuffer buffer;
    private ThreadBatcher<T> batcher;
    private long nextSequence;

    /** A record of this task that is buffered and not yet forwarded. */
    private static final class Pending {
        final PendingRecord source;
        Batch.Outcome outcome;

        Pending(PendingRecord source) {
            this.source = source;
        }
    }

    /** This task's records in arrival order, and the outcomes the batcher hands back for them. */
    private static final class Results implements Batch.Completion {
        final NavigableMap<Long, Pending> pending = new TreeMap<>();
        boolean closed;

        @Override
        public void complete(long sequence, Batch.Outcome outcome) {
            Pending p = closed ? null : pending.get(sequence);
            if (p != null) {
                p.outcome = outcome;
            }
        }
    }

    EmbeddingProcessor(EmbeddingPipeline<T> pipeline, Duration checkInterval) {
        this.pipeline = pipeline;
        this.checkInterval = checkInterval;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.buffer = new DurableBuffer(context.getStateStore(BUFFER_STORE));
        this.batcher = pipeline.batchers().forCurrentThread();
        restore();
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    /** Re-reads the records a previous owner left in the buffer and queues them again, in their order. */
    private void restore() {
        List<DurableBuffer.Entry> entries = buffer.restore();
        if (entries.isEmpty()) {
            return;
        }
        nextSequence = entries.get(entries.size() - 1).sequence() + 1;
        Map<TopicPartition, SortedSet<Long>> offsets = new HashMap<>();
        for (DurableBuffer.Entry e : entries) {
            offsets.computeIfAbsent(new TopicPartition(e.reference().topic(), e.reference().partition()),
                    tp -> new TreeSet<>()).add(e.reference().offset());
        }
        Map<TopicPartition, Map<Long, ConsumerRecord<byte[], byte[]>>> records = new HashMap<>();
        offsets.forEach((tp, set) -> records.put(tp, pipeline.sources().read(tp, set)));
        int missing = 0;
        for (DurableBuffer.Entry e : entries) {
            DurableBuffer.Reference ref = e.reference();
            ConsumerRecord<byte[], byte[]> r = records.get(new TopicPartition(ref.topic(), ref.partition()))
                    .get(ref.offset());
            if (r == null) {
                missing++;
                PendingRecord gone = new PendingRecord(ref.topic(), ref.partition(), ref.offset(),
                        context.currentSystemTimeMs(), null, null, null);
                Pending p = track(e.sequence(), gone);
                p.outcome = Batch.Outcome.failed(new RecordFailure(FailureReason.SOURCE_RECORD_UNAVAILABLE,
                        EmbeddingProcessor.class.getName(), "it was buffered, but is no longer in the input topic "
                        + "when it was to be read again after a restart (deleted by retention or compaction); "
                        + "it was not enriched"));
                continue;
            }
            accept(e.sequence(), new PendingRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(),
                    r.value(), r.headers()), true);
        }
        LOG.info("Task {} restored {} buffered records from its durable buffer{}; they run in the next batches",
                context.taskId(), entries.size(), missing == 0 ? "" : " (" + missing
                        + " no longer in the input topic: dead-lettered as SOURCE_RECORD_UNAVAILABLE)");
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("input record without topic/partition/offset"));
        pipeline.metrics().received();
        PendingRecord source = new PendingRecord(meta.topic(), meta.partition(), meta.offset(), record.timestamp(),
                record.key(), record.value(), record.headers());
        accept(nextSequence++, source, false);
        forwardFinished();
    }

    /** Validates and buffers one record; a bad one is dead-lettered at once (or, when restoring, in order). */
    private void accept(long sequence, PendingRecord source, boolean restoring) {
        long now = context.currentSystemTimeMs();
        RecordFailure failure = null;
        DecodedInput<T> decoded = null;
        int size = source.value() == null ? 0 : source.value().length;
        if (size > pipeline.limits().maxInputBytes()) {
            failure = new RecordFailure(FailureReason.RECORD_TOO_LARGE, EmbeddingProcessor.class.getName(),
                    "the value has " + size + " bytes; input.max-record-bytes is " + pipeline.limits().maxInputBytes());
        } else {
            Batch<T> batch = batcher.openBatch(now);
            try {
                decoded = pipeline.input().decode(source.topic(), source.value(), batch.rows(), batch.nextOffset());
            } catch (InvalidRecordException e) {
                failure = RecordFailure.of(e.reason(), e);
            }
        }
        if (failure != null && !restoring) {
            deadLetter(source, failure);
            return;
        }
        if (!restoring) {
            buffer.add(sequence, source);
        }
        Pending p = track(sequence, source);
        if (failure != null) {
            p.outcome = Batch.Outcome.failed(failure);
        } else {
            batcher.add(new Batch.Entry<>(results, sequence, decoded, source), now);
            batcher.flushIfDue(now, false);
        }
    }

    private Pending track(long sequence, PendingRecord source) {
        Pending p = new Pending(source);
        results.pending.put(sequence, p);
        pipeline.buffers().added(1);
        return p;
    }

    private void punctuate(long nowMs) {
        batcher.flushIfDue(nowMs, pipeline.buffers().draining());
        forwardFinished();
    }

    /** Collects finished batches and forwards this task's results that are next in arrival order. */
    private void forwardFinished() {
        batcher.collect();
        int enriched = 0;
        int removed = 0;
        while (!results.pending.isEmpty()) {
            Map.Entry<Long, Pending> first = results.pending.firstEntry();
            Pending p = first.getValue();
            if (p.outcome == null) {
                break;
            }
            RecordFailure failure = p.outcome.failure() != null ? p.outcome.failure() : refusal(p);
            if (failure == null) {
                OutputWriter.Output out = p.outcome.output();
                pipeline.rejections().track(out.value(), p.source);
                context.forward(new Record<>(out.key(), out.value(), p.source.timestamp(),
                        out.over(p.source.headers())), OUTPUT_SINK);
                pipeline.metrics().forwarded(p.source.timestamp());
                enriched++;
            } else {
                deadLetter(p.source, failure);
            }
            buffer.remove(first.getKey());
            results.pending.pollFirstEntry();
            removed++;
        }
        if (removed > 0) {
            pipeline.buffers().removed(removed);
        }
        if (enriched > 0) {
            pipeline.metrics().enriched(enriched);
        }
    }

    /**
     * Why the output topic would refuse this record's output (or did, the last time it was sent), or null. Checked
     * here rather than left to the producer: under exactly-once a refused send aborts the transaction and stops the
     * stream thread, and the record would be processed, and refused, again ({@link ProducerRejections}).
     */
    private RecordFailure refusal(Pending p) {
        RecordFailure refused = pipeline.rejections().outputFailure(p.source);
        if (refused != null) {
            return refused;
        }
        TopicRules rules = pipeline.limits().output();
        if (!rules.acceptsKey(p.outcome.output().key())) {
            return new RecordFailure(FailureReason.OUTPUT_KEY_REQUIRED, EmbeddingProcessor.class.getName(),
                    "the record has no key, and the output topic is compacted (cleanup.policy=compact), which "
                            + "refuses records without a key");
        }
        if (!rules.acceptsTimestamp(p.source.timestamp(), context.currentSystemTimeMs())) {
            return new RecordFailure(FailureReason.OUTPUT_TIMESTAMP_REJECTED, EmbeddingProcessor.class.getName(),
                    "its timestamp " + p.source.timestamp() + " (" + java.time.Instant.ofEpochMilli(
                            p.source.timestamp()) + ") is outside what the output topic accepts ("
                            + rules.describeTimestampWindow() + ", message.timestamp.type=CreateTime)");
        }
        return null;
    }

    private void deadLetter(PendingRecord source, RecordFailure failure) {
        RecordFailure located = new RecordFailure(failure.reason(), failure.errorClass(),
                "record " + source.coordinates() + ": " + failure.message());
        LOG.warn("Dead-lettered {}: {}", failure.reason(), located.message());
        context.forward(DeadLetters.of(source, located, pipeline.limits(), context.currentSystemTimeMs(),
                pipeline.rejections().deadLetterRefused(source)), DEAD_LETTER_SINK);
        pipeline.metrics().deadLettered(failure.reason().name());
    }

    @Override
    public void close() {
        results.closed = true;
        if (!results.pending.isEmpty()) {
            LOG.info("Task {} closes with {} records in its durable buffer; they run when the task next starts",
                    context.taskId(), results.pending.size());
            pipeline.buffers().removed(results.pending.size());
        }
    }
}
