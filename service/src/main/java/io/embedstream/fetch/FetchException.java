package io.embedstream.fetch;

import io.embedstream.failure.FailureReason;
import io.embedstream.failure.ImageFailure;

/**
 * Internal signal that one fetch attempt failed. Never leaves the package: the fetcher turns it into a
 * {@link FetchResult.Failed} value.
 */
final class FetchException extends Exception {
    private final transient ImageFailure failure;
    private final boolean retryable;
    private final long retryAfterMs;

    FetchException(ImageFailure failure, boolean retryable, Throwable cause) {
        this(failure, retryable, -1, cause);
    }

    /** @param retryAfterMs the wait the server asked for ({@code Retry-After}), or -1 */
    FetchException(ImageFailure failure, boolean retryable, long retryAfterMs, Throwable cause) {
        super(failure.message(), cause, false, false);
        this.failure = failure;
        this.retryable = retryable;
        this.retryAfterMs = retryAfterMs;
    }

    static FetchException of(FailureReason reason, String source, String message) {
        return new FetchException(ImageFailure.of(reason, source, message), false, null);
    }

    ImageFailure failure() {
        return failure;
    }

    /**
     * True for transient failures, where another attempt may succeed: timeouts, connection refused or reset, HTTP
     * 408, 429 and 5xx other than 501 and 505.
     */
    boolean retryable() {
        return retryable;
    }

    /** The wait the server asked for with {@code Retry-After}, or -1. */
    long retryAfterMs() {
        return retryAfterMs;
    }
}
