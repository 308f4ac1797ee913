package io.embedstream.fetch;

import io.embedstream.config.ImageConfig;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.random.RandomGenerator;

/**
 * When to try a failed image fetch again. Only transient failures are retried (the fetcher decides which: timeouts,
 * connection refused or reset, HTTP 408, 429 and most 5xx); each retry waits an exponential back-off with jitter,
 * and none starts once the image's time budget is spent:
 *
 * <ul>
 *   <li>the wait before retry {@code n} (1, 2, ...) is {@code image.retry-backoff-ms × 2^(n-1)}, at most
 *       {@link ImageConfig#MAX_RETRY_BACKOFF_MS}, with "equal jitter": half of it fixed, half random, so that the
 *       fetches of many records that failed together do not return together;</li>
 *   <li>a {@code Retry-After} the server sent with a 429 or 503 answer is honoured when it is longer;</li>
 *   <li>there are at most {@code image.max-retries} retries, and none whose wait would end later than
 *       {@code image.retry.max-elapsed-ms} after the first attempt began (a {@code Retry-After} beyond the budget
 *       ends the retries at once).</li>
 * </ul>
 *
 * Immutable and thread-safe when its random generator is.
 */
final class RetryPolicy {

    /** No retry. */
    static final long GIVE_UP = -1;

    private final int maxRetries;
    private final long backoffMs;
    private final long maxBackoffMs;
    private final long maxElapsedMs;
    private final RandomGenerator random;

    RetryPolicy(int maxRetries, long backoffMs, long maxBackoffMs, long maxElapsedMs, RandomGenerator random) {
        this.maxRetries = maxRetries;
        this.backoffMs = backoffMs;
        this.maxBackoffMs = maxBackoffMs;
        this.maxElapsedMs = maxElapsedMs;
        this.random = random;
    }

    static RetryPolicy of(ImageConfig config) {
        return new RetryPolicy(config.maxRetries(), config.retryBackoffMs(), ImageConfig.MAX_RETRY_BACKOFF_MS,
                config.retry().maxElapsedMs(), RandomGenerator.getDefault());
    }

    /**
     * @param retry        which retry this would be: 1 after the first attempt failed
     * @param elapsedMs    time since the first attempt began
     * @param retryAfterMs the server's {@code Retry-After}, or a negative number when it sent none
     * @return how long to wait before the retry, or {@link #GIVE_UP}
     */
    long delayMs(int retry, long elapsedMs, long retryAfterMs) {
        if (retry > maxRetries) {
            return GIVE_UP;
        }
        long delay = Math.max(backoff(retry), retryAfterMs);
        return elapsedMs + delay > maxElapsedMs ? GIVE_UP : delay;
    }

    /** The back-off before retry {@code retry}, with jitter. */
    long backoff(int retry) {
        long delay = backoffMs;
        for (int i = 1; i < retry && delay < maxBackoffMs; i++) {
            delay *= 2;
        }
        delay = Math.min(delay, maxBackoffMs);
        long half = delay / 2;
        return half + (half > 0 ? random.nextLong(half + 1) : 0);
    }

    /** What the budget is, for messages: "image.max-retries=10, image.retry.max-elapsed-ms=30000". */
    String describe() {
        return "image.max-retries=" + maxRetries + ", image.retry.max-elapsed-ms=" + maxElapsedMs;
    }

    /**
     * The wait a {@code Retry-After} header asks for: delay-seconds or an HTTP date (RFC 9110).
     *
     * @return milliseconds from {@code now}, 0 for a date in the past, or -1 if the header is absent or malformed
     */
    static long retryAfterMs(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String value = header.trim();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Math.multiplyExact(Long.parseLong(value), 1000L);
            } catch (NumberFormatException | ArithmeticException e) {
                return -1;
            }
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Math.max(0, at.toEpochMilli() - now.toEpochMilli());
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}
