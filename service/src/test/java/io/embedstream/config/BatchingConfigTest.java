package io.embedstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchingConfigTest {

    private static Duration check(long lingerMs) {
        return new BatchingConfig(64, lingerMs).lingerCheckInterval();
    }

    @Test
    void shouldCheckLingeringBatchesFourTimesPerLingerTimeWithinBounds() {
        assertThat(check(40)).isEqualTo(Duration.ofMillis(10));
        assertThat(check(50)).isEqualTo(Duration.ofMillis(12));
        assertThat(check(2)).as("never more often than every millisecond").isEqualTo(Duration.ofMillis(1));
        assertThat(check(400)).isEqualTo(Duration.ofMillis(100));
        assertThat(check(3_600_000)).as("a long linger is still checked every 100 ms, Kafka's default poll.ms")
                .isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void shouldCheckRarelyWhenNothingLingers() {
        assertThat(check(0)).as("linger 0 runs each record at once; the check only serves restore and shutdown")
                .isEqualTo(Duration.ofMillis(BatchingConfig.MAX_CHECK_INTERVAL_MS));
    }

    @Test
    void shouldRejectNegativeLingerNamingTheKey() {
        assertThatThrownBy(() -> new BatchingConfig(64, -1))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("batching.linger-ms: '-1' is not valid");
    }
}
