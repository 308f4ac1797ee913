package io.embedstream.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ImageConfig;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static RetryPolicy policy(int maxRetries, long maxElapsedMs) {
        return new RetryPolicy(maxRetries, 100, ImageConfig.MAX_RETRY_BACKOFF_MS, maxElapsedMs, new SplittableRandom(7));
    }

    @Test
    void shouldDoubleTheBackOffWithEqualJitterUpToTheCap() {
        RetryPolicy policy = policy(20, 600_000);
        long[][] ranges = {{1, 50, 100}, {2, 100, 200}, {3, 200, 400}, {6, 1_600, 3_200}, {7, 2_500, 5_000},
                {15, 2_500, 5_000}};
        for (long[] r : ranges) {
            for (int i = 0; i < 200; i++) {
                assertThat(policy.delayMs((int) r[0], 0, -1)).as("retry %d", r[0]).isBetween(r[1], r[2]);
            }
        }
    }

    @Test
    void shouldSpreadTheWaitsOfRecordsThatFailedTogether() {
        RetryPolicy policy = policy(20, 600_000);
        long distinct = java.util.stream.IntStream.range(0, 50).mapToLong(i -> policy.delayMs(5, 0, -1)).distinct()
                .count();
        assertThat(distinct).isGreaterThan(20);
    }

    @Test
    void shouldGiveUpAfterMaxRetries() {
        RetryPolicy policy = policy(3, 600_000);
        assertThat(policy.delayMs(3, 0, -1)).isNotEqualTo(RetryPolicy.GIVE_UP);
        assertThat(policy.delayMs(4, 0, -1)).isEqualTo(RetryPolicy.GIVE_UP);
        assertThat(policy(0, 600_000).delayMs(1, 0, -1)).isEqualTo(RetryPolicy.GIVE_UP);
    }

    @Test
    void shouldNotStartARetryThatWouldEndAfterTheElapsedBudget() {
        RetryPolicy policy = policy(100, 30_000);
        assertThat(policy.delayMs(2, 20_000, -1)).isBetween(100L, 200L);
        assertThat(policy.delayMs(2, 29_950, -1)).isEqualTo(RetryPolicy.GIVE_UP);
        assertThat(policy(100, 0).delayMs(1, 0, -1)).isEqualTo(RetryPolicy.GIVE_UP);
    }

    @Test
    void shouldHonourALongerRetryAfterWithinTheBudget() {
        RetryPolicy policy = policy(10, 30_000);
        assertThat(policy.delayMs(1, 0, 3_000)).isEqualTo(3_000);
        assertThat(policy.delayMs(1, 0, 0)).isBetween(50L, 100L);
        assertThat(policy.delayMs(1, 0, 60_000)).as("beyond the budget: give up at once").isEqualTo(RetryPolicy.GIVE_UP);
        assertThat(policy.delayMs(1, 28_000, 3_000)).isEqualTo(RetryPolicy.GIVE_UP);
    }

    @Test
    void shouldParseRetryAfterSecondsAndHttpDates() {
        Instant now = Instant.parse("2025-03-01T12:00:00Z");
        assertThat(RetryPolicy.retryAfterMs("2", now)).isEqualTo(2_000);
        assertThat(RetryPolicy.retryAfterMs(" 0 ", now)).isZero();
        String inFive = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(5).atOffset(ZoneOffset.UTC));
        assertThat(RetryPolicy.retryAfterMs(inFive, now)).isEqualTo(5_000);
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.minusSeconds(5).atOffset(ZoneOffset.UTC));
        assertThat(RetryPolicy.retryAfterMs(past, now)).isZero();
        assertThat(RetryPolicy.retryAfterMs("soon", now)).isEqualTo(-1);
        assertThat(RetryPolicy.retryAfterMs("-3", now)).isEqualTo(-1);
        assertThat(RetryPolicy.retryAfterMs(null, now)).isEqualTo(-1);
        assertThat(RetryPolicy.retryAfterMs("99999999999999999999", now)).isEqualTo(-1);
    }

    @Test
    void shouldRetryOnlyTransientStatuses() {
        assertThat(java.util.List.of(408, 429, 500, 502, 503, 504, 599)).allMatch(ImageFetcher::isTransient);
        assertThat(java.util.List.of(400, 401, 403, 404, 410, 451, 501, 505)).noneMatch(ImageFetcher::isTransient);
    }
}
