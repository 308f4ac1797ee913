package io.embedstream.preprocess.image;

import io.embedstream.fetch.FetchResult;
import io.embedstream.fetch.ImageFetcher;
import io.embedstream.fetch.ImageRequest;
import io.embedstream.model.FloatBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Objects;

/**
 * Fetch, decode and preprocess for one micro-batch: all fetches run concurrently on the shared
 * {@link ImageFetcher}; decoding and preprocessing then run on the calling thread (each stream thread decodes its
 * own batch, so decoding scales with the stream threads and never competes with the fetch pool).
 *
 * <p>Thread-safe. Does not own the fetcher: whoever created the fetcher closes it.
 */
public final class ImagePipeline {
    private final ImageFetcher fetcher;
    private final ImageDecoder decoder;
    private final ImagePreprocessor preprocessor;

    public ImagePipeline(ImageFetcher fetcher, ImageDecoder decoder, ImagePreprocessor preprocessor) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.preprocessor = Objects.requireNonNull(preprocessor, "preprocessor");
    }

    /** One result per request, in request order; bad images are {@link ImageResult.Failed} values. */
    public List<ImageResult> process(List<ImageRequest> requests) {
        List<FetchResult> fetched = fetcher.fetchAll(requests);
        List<ImageResult> results = new ArrayList<>(fetched.size());
        for (FetchResult f : fetched) {
            results.add(prepare(f));
        }
        return results;
    }

    /**
     * Starts fetching one image on the fetcher's pool and returns at once, without I/O on the calling
     * thread. The stream layer calls this when a record arrives, so that the download overlaps the batch's
     * linger time and other batches' inference; {@link #prepare} then finishes the image when its batch runs.
     */
    public CompletableFuture<FetchResult> prefetch(ImageRequest request) {
        return fetcher.fetchAllAsync(List.of(request)).thenApply(results -> results.get(0));
    }

    /** Decodes and preprocesses one fetched image. */
    public ImageResult prepare(FetchResult fetched) {
        if (fetched instanceof FetchResult.Failed failed) {
            return new ImageResult.Failed(failed.request(), failed.failure());
        }
        FetchResult.Fetched ok = (FetchResult.Fetched) fetched;
        DecodeResult decoded = decoder.decode(ok.bytes(), ok.request().describe());
        if (decoded instanceof DecodeResult.Failed failed) {
            return new ImageResult.Failed(ok.request(), failed.failure());
        }
        return new ImageResult.Ready(ok.request(), preprocessor.toRow(((DecodeResult.Decoded) decoded).image()));
    }

    /** The rows of the successful results, stacked into {@code [N, H, W, C]} in result order. */
    public FloatBatch batchOf(List<ImageResult> results) {
        List<float[]> rows = new ArrayList<>();
        for (ImageResult r : results) {
            if (r instanceof ImageResult.Ready ready) {
                rows.add(ready.row());
            }
        }
        return preprocessor.toBatch(rows);
    }

    public ImageSpec target() {
        return preprocessor.target();
    }
}
