package io.embedstream.fetch;

/**
 * Told the outcome of every fetch an {@link ImageFetcher} makes (not of inline bytes, which need no fetch), for
 * metrics. Called on a fetch thread: it must be quick, thread-safe and must not throw.
 */
@FunctionalInterface
public interface FetchListener {

    /** Ignores everything. */
    FetchListener NONE = (result, nanos) -> { };

    /**
     * @param result the outcome ({@link FetchResult.Fetched} or {@link FetchResult.Failed})
     * @param nanos  from the request to its outcome, retries and back-off included
     */
    void fetched(FetchResult result, long nanos);
}
