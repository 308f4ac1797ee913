package io.embedstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class InputTimestampsTest {

    private static ConsumerRecord<Object, Object> record(long timestamp) {
        return new ConsumerRecord<>("in", 0, 5, timestamp, TimestampType.CREATE_TIME, 0, 0, null, null,
                new RecordHeaders(), Optional.empty());
    }

    @Test
    void shouldKeepAValidTimestampAndReplaceAnInvalidOneInsteadOfFailing() {
        InputTimestamps extractor = new InputTimestamps();
        assertThat(extractor.extract(record(1234), 99)).isEqualTo(1234);
        assertThat(extractor.extract(record(-1), 99)).as("the partition's time").isEqualTo(99);
        long before = System.currentTimeMillis();
        assertThat(extractor.extract(record(-1), -1)).as("no partition time yet: now").isGreaterThanOrEqualTo(before);
    }
}
