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

    FetchException(ImageFailure failure, boolean retryable, Throwable cause) {
        super(failure.message(), cause, false, false);
        this.failure = failure;
        this.retryable = retryable;
    }

    static FetchException of(FailureReason reason, String source, String message) {
        return new FetchException(ImageFailure.of(reason, source, message), false, null);
    }

    ImageFailure failure() {
        return failure;
    }

    /** True for timeouts and HTTP 5xx: another attempt may succeed. */
    boolean retryable() {
        return retryable;
    }
}
