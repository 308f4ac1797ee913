package io.embedstream.fetch;

import io.embedstream.failure.ImageFailure;

/**
 * The outcome of fetching one {@link ImageRequest}: the bytes, or why not. An immutable value; use
 * {@code instanceof FetchResult.Fetched f} to take it apart.
 */
public sealed interface FetchResult permits FetchResult.Fetched, FetchResult.Failed {

    ImageRequest request();

    default boolean ok() {
        return this instanceof Fetched;
    }

    /**
     * The image file's bytes.
     *
     * @param bytes  owned by the receiver; the fetcher keeps no reference
     * @param source where they came from after redirects (credentials removed); for inline bytes the request's
     *               {@link ImageRequest#describe()}
     */
    record Fetched(ImageRequest request, byte[] bytes, String source) implements FetchResult {
        @Override
        public String toString() {
            return "Fetched[" + source + ", " + bytes.length + " bytes]";
        }
    }

    /** The fetch failed; {@code failure} says why. */
    record Failed(ImageRequest request, ImageFailure failure) implements FetchResult {}
}
