package io.embedstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.failure.FailureReason;
import io.embedstream.failure.RecordFailure;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.junit.jupiter.api.Test;

class ProducerFailureHandlerTest {

    private final ProducerRejections rejections = new ProducerRejections();
    private final ProducerFailureHandler handler = handler(rejections);

    private static ProducerFailureHandler handler(ProducerRejections rejections) {
        ProducerFailureHandler h = new ProducerFailureHandler();
        h.configure(ProducerFailureHandler.properties(rejections, "in.dlq"));
        return h;
    }

    private static PendingRecord source(long offset) {
        return new PendingRecord("in", 2, offset, 0, null, new byte[] {1}, new RecordHeaders());
    }

    @Test
    void shouldNoteTheInputRecordOfARefusedOutputAndFailSoThatTheThreadIsReplaced() {
        byte[] value = {42};
        rejections.track(value, source(17));

        Response response = handler.handleError(null, new ProducerRecord<>("out", null, value),
                new InvalidRecordException("Compacted topic cannot accept message without key in topic partition out-2"));

        assertThat(response.result()).isEqualTo(Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).as("never sent from the producer's network thread").isEmpty();
        RecordFailure failure = rejections.outputFailure(source(17));
        assertThat(failure.reason()).isEqualTo(FailureReason.OUTPUT_REJECTED);
        assertThat(failure.message()).contains("out topic refused the output record")
                .contains("Compacted topic cannot accept message without key");
        assertThat(rejections.takeReplacement()).isTrue();
        assertThat(rejections.takeReplacement()).as("once per refusal").isFalse();
        assertThat(rejections.outputFailure(source(18))).isNull();
    }

    @Test
    void shouldNameTheReasonOfEachKindOfRefusal() {
        assertThat(ProducerFailureHandler.reasonOf(new RecordTooLargeException("too big")))
                .isEqualTo(FailureReason.OUTPUT_TOO_LARGE);
        assertThat(ProducerFailureHandler.reasonOf(new InvalidTimestampException("old")))
                .isEqualTo(FailureReason.OUTPUT_TIMESTAMP_REJECTED);
        assertThat(ProducerFailureHandler.reasonOf(new InvalidRecordException("no key")))
                .isEqualTo(FailureReason.OUTPUT_REJECTED);
        assertThat(ProducerFailureHandler.reasonOf(new TopicAuthorizationException("denied"))).isNull();
    }

    @Test
    void shouldStopTheInstanceForARefusalItCannotTraceToOneRecord() {
        Response response = handler.handleError(null, new ProducerRecord<>("out", null, new byte[] {7}),
                new InvalidRecordException("no key"));

        assertThat(response.result()).isEqualTo(Result.FAIL);
        assertThat(rejections.takeReplacement()).isFalse();
    }

    @Test
    void shouldStopTheInstanceForFailuresThatAreNotAboutOneRecord() {
        Response denied = handler.handleError(null, new ProducerRecord<>("out", null, new byte[] {7}),
                new TopicAuthorizationException("not authorised to write to out"));

        assertThat(denied.result()).isEqualTo(Result.FAIL);
        assertThat(rejections.takeReplacement()).isFalse();
        assertThat(handler.handleError(null, new ProducerRecord<>("out", null, new byte[] {7}),
                new NotEnoughReplicasException("2 < 3")).result()).isEqualTo(Result.RETRY);
    }

    @Test
    void shouldSkipTheBatchMatesOfARefusedRecordWhoseOwnReportFailsTheThread() {
        Response response = handler.handleError(null, new ProducerRecord<>("out", null, new byte[] {7}),
                new KafkaException("Failed to append record because it was part of a batch which had one more more "
                        + "invalid records"));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(rejections.takeReplacement()).isFalse();
    }

    @Test
    void shouldAllowOneMinimalDeadLetterAfterARefusedOneThenStop() {
        RecordHeaders headers = new RecordHeaders();
        DeadLetterHeaders.add(headers, DeadLetterHeaders.TOPIC, "in");
        DeadLetterHeaders.add(headers, DeadLetterHeaders.PARTITION, "2");
        DeadLetterHeaders.add(headers, DeadLetterHeaders.OFFSET, "9");
        ProducerRecord<byte[], byte[]> deadLetter = new ProducerRecord<>("in.dlq", null, 0L, null, null, headers);

        assertThat(handler.handleError(null, deadLetter, new InvalidTimestampException("old")).result())
                .isEqualTo(Result.FAIL);
        assertThat(rejections.takeReplacement()).isTrue();
        assertThat(rejections.deadLetterRefused(source(9))).isTrue();

        assertThat(handler.handleError(null, deadLetter, new InvalidTimestampException("old")).result())
                .isEqualTo(Result.FAIL);
        assertThat(rejections.takeReplacement()).as("the minimal one was refused too: stop").isFalse();
    }

    @Test
    void shouldRefuseToStartWithoutTheServicesRejections() {
        assertThatThrownBy(() -> new ProducerFailureHandler().configure(Map.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(ProducerFailureHandler.REJECTIONS_CONFIG);
    }
}
