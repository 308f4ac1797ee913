package io.embedstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchingConfigTest {

    private static Duration check(long lingerMs) {
        return new BatchingConfig(64, lingerMs, 4).checkInterval();
    }

    @Test
    void shouldCheckBatchesFourTimesPerLingerTimeWithinBounds() {
        assertThat(check(40)).isEqualTo(Duration.ofMillis(10));
        assertThat(check(50)).isEqualTo(Duration.ofMillis(12));
        assertThat(check(2)).as("never more often than every 2 ms").isEqualTo(Duration.ofMillis(2));
        assertThat(check(400)).as("finished results wait at most 25 ms").isEqualTo(Duration.ofMillis(25));
        assertThat(check(3_600_000)).isEqualTo(Duration.ofMillis(25));
    }

    @Test
    void shouldCheckOftenWhenNothingLingersSoThatResultsAreForwardedSoon() {
        assertThat(check(0)).isEqualTo(Duration.ofMillis(BatchingConfig.MIN_CHECK_INTERVAL_MS));
    }

    @Test
    void shouldRejectBadValuesNamingTheKey() {
        assertThatThrownBy(() -> new BatchingConfig(64, -1, 4))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("batching.linger-ms: '-1' is not valid");
        assertThatThrownBy(() -> new BatchingConfig(64, 50, 0))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("batching.max-in-flight: '0' is not valid");
    }
}
