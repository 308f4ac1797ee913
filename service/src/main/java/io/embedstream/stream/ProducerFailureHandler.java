package io.embedstream.stream;

import io.embedstream.failure.FailureReason;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' {@code production.exception.handler}: decides what a failed send means.
 *
 * <ul>
 *   <li>The producer or broker refused one record ({@link RecordTooLargeException}, a broker-side
 *       {@link InvalidRecordException}, {@link InvalidTimestampException}): the record it was written for is noted in
 *       {@link ProducerRejections}, which has the stream thread replaced and the record dead-lettered with reason
 *       {@code OUTPUT_TOO_LARGE}, {@code OUTPUT_REJECTED} or {@code OUTPUT_TIMESTAMP_REJECTED} when it is processed
 *       again. The processor checks what it can predict before it sends, so this is the rare remainder.</li>
 *   <li>A retriable error (the broker unreachable past {@code delivery.timeout.ms}, not enough replicas): retry, as
 *       Kafka Streams' default handler does (the task is re-initialised and processes again from the last
 *       commit).</li>
 *   <li>A record that was not appended only because another record of its batch was refused: resume; the refused
 *       record's own report fails the thread, so this one is processed again.</li>
 *   <li>Anything else (authorisation, fencing, a refused record that cannot be traced, a refused minimal dead
 *       letter): fail, which stops the instance with a {@code FATAL} log line.</li>
 * </ul>
 *
 * <p>Never hands dead-letter records back to Kafka Streams: for a failure reported from the producer's callback
 * they would be sent from the producer's network thread, which then blocks on the dead-letter topic's metadata.
 * Serialisation cannot fail (the sinks take the bytes the processor made); if it did, that is a bug, and fatal.
 *
 * <p>Created by Kafka Streams through its no-argument constructor and {@link #configure}, which finds the service's
 * {@link ProducerRejections} and dead-letter topic among the Streams properties ({@link #properties}). Thread-safe:
 * called from the producers' network threads.
 */
public final class ProducerFailureHandler implements ProductionExceptionHandler {

    /** Streams property that carries the {@link ProducerRejections} instance (an object, not a string). */
    static final String REJECTIONS_CONFIG = "embedstream.producer.rejections";
    /** Streams property naming the dead-letter topic. */
    static final String DEAD_LETTER_TOPIC_CONFIG = "embedstream.dead-letter.topic";

    private static final Logger LOG = LoggerFactory.getLogger(ProducerFailureHandler.class);

    private ProducerRejections rejections;
    private String deadLetterTopic;

    /** The Streams properties that install this handler for {@code rejections}. */
    public static Map<String, Object> properties(ProducerRejections rejections, String deadLetterTopic) {
        return Map.of(
                "production.exception.handler", ProducerFailureHandler.class.getName(),
                REJECTIONS_CONFIG, rejections,
                DEAD_LETTER_TOPIC_CONFIG, deadLetterTopic);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        if (!(configs.get(REJECTIONS_CONFIG) instanceof ProducerRejections r)) {
            throw new IllegalStateException(REJECTIONS_CONFIG + " is missing from the Streams properties");
        }
        this.rejections = r;
        this.deadLetterTopic = String.valueOf(configs.get(DEAD_LETTER_TOPIC_CONFIG));
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        FailureReason reason = reasonOf(exception);
        if (reason != null && record != null) {
            if (record.topic().equals(deadLetterTopic)) {
                ProducerRejections.Source source = DeadLetters.sourceOf(record.headers());
                if (source != null && rejections.deadLetterRefused(source)) {
                    LOG.error("The dead-letter topic {} refused the dead letter of record {} ({}); it is written "
                            + "again with its provenance headers only, after the stream thread is replaced",
                            record.topic(), source, exception.toString());
                    return Response.fail();
                }
            } else {
                ProducerRejections.Source source = rejections.outputRefused(record.value(), reason,
                        "the " + record.topic() + " topic refused the output record: " + exception.getMessage());
                if (source != null) {
                    LOG.error("Topic {} refused the output record of {} ({}); the stream thread is replaced and the "
                            + "record dead-lettered as {}", record.topic(), source, exception.toString(), reason);
                    return Response.fail();
                }
            }
        }
        if (isBatchMateOfRefusedRecord(exception)) {
            // Not sent because another record of its batch was refused; that record's own report (in the same
            // batch) fails the thread, so this one is processed again: skipping it here loses nothing.
            LOG.debug("Record for {} not sent with a refused record of its batch", record == null ? "?" : record.topic());
            return Response.resume();
        }
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        LOG.error("Sending a record to {} failed, and it is not one record's fault or cannot be traced to one: {}",
                record == null ? "?" : record.topic(), exception.toString());
        return Response.fail();
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        LOG.error("FATAL: serialising the {} of a record for {} failed: {}", origin, record == null ? "?"
                : record.topic(), exception.toString());
        return Response.fail();
    }

    /**
     * The producer's report for a record that the broker did not refuse, but did not append either, because another
     * record in the same batch was refused (Kafka 4.4's {@code Sender} reports it as a plain {@code KafkaException}).
     */
    static boolean isBatchMateOfRefusedRecord(Exception e) {
        return e.getClass() == KafkaException.class && e.getMessage() != null
                && e.getMessage().contains("part of a batch which had one");
    }

    /** The dead-letter reason for a refusal of one record, or null for a failure that is not about one record. */
    static FailureReason reasonOf(Exception e) {
        if (e instanceof RecordTooLargeException) {
            return FailureReason.OUTPUT_TOO_LARGE;
        }
        if (e instanceof InvalidTimestampException) {
            return FailureReason.OUTPUT_TIMESTAMP_REJECTED;
        }
        if (e instanceof InvalidRecordException) {
            return FailureReason.OUTPUT_REJECTED;
        }
        return null;
    }
}
