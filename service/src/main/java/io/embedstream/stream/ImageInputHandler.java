package io.embedstream.stream;

import io.embedstream.avro.ImageReference;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.RecordFailure;
import io.embedstream.fetch.FetchResult;
import io.embedstream.fetch.ImageRequest;
import io.embedstream.preprocess.image.ImagePipeline;
import io.embedstream.preprocess.image.ImageResult;
import io.embedstream.serde.RecordDecodingException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Image-reference records ({@code schemas/ImageReference.avsc}). As {@link InputHandler#decode}
 * allows, decoding checks the record and starts fetching its image on the fetcher's bounded pool
 * ({@link ImagePipeline#prefetch}) without waiting, so downloads run while the record lingers in the
 * batch buffer and while other batches run; inline bytes need no fetch. {@link #completeRow}, on the inference
 * worker, waits for the fetch, then decodes and preprocesses. Each image that fails becomes a dead letter whose
 * reason is the fetch or decode reason ({@code NOT_FOUND}, {@code TIMEOUT}, {@code BLOCKED_BY_POLICY}, ...).
 * Thread-safe; does not own the pipeline.
 */
public final class ImageInputHandler implements InputHandler<ImageInputHandler.PendingImage> {

    /** An image reference whose fetch is under way. */
    public record PendingImage(ImageRequest request, CompletableFuture<FetchResult> fetch) {

        /** On the inference worker: waits for the fetch, then decodes, resizes and scales the image into the row. */
        public RecordFailure completeRow(ImagePipeline pipeline, float[] rows, int offset) {
            ImageResult result = pipeline.prepare(fetch.join());
            if (result instanceof ImageResult.Ready ready) {
                System.arraycopy(ready.row(), 0, rows, offset, ready.row().length);
                return null;
            }
            return RecordFailure.of(((ImageResult.Failed) result).failure());
        }
    }

    private final Deserializer<ImageReference> deserializer;
    private final ImagePipeline pipeline;

    public ImageInputHandler(Deserializer<ImageReference> deserializer, ImagePipeline pipeline) {
        this.deserializer = deserializer;
        this.pipeline = pipeline;
    }

    @Override
    public DecodedInput<PendingImage> decode(String topic, byte[] value, float[] rows, int offset) {
        if (value == null) {
            throw new InvalidRecordException(FailureReason.UNDECODABLE,
                    "the record has no value (a tombstone); expected an ImageReference");
        }
        ImageReference record;
        try {
            record = deserializer.deserialize(topic, value);
        } catch (RecordDecodingException e) {
            throw new InvalidRecordException(FailureReason.UNDECODABLE,
                    "the value is not an ImageReference in Confluent Avro wire format (" + e.reason() + "): "
                            + e.getMessage(), e);
        }
        boolean hasBytes = record.getBytes() != null && record.getBytes().remaining() > 0;
        if (!hasBytes && (record.getUri() == null || record.getUri().isBlank())) {
            throw new InvalidRecordException(FailureReason.INVALID_URI, "record " + record.getId()
                    + " has neither a uri nor inline bytes; expected one of them");
        }
        Long eventTime = record.getEventTime() == null ? null : record.getEventTime().toEpochMilli();
        Map<String, String> attributes = record.getAttributes() == null ? Map.of() : Map.copyOf(record.getAttributes());
        ImageRequest request = ImageRequest.from(record);
        return new DecodedInput<>(record.getId(), attributes, eventTime,
                new PendingImage(request, pipeline.prefetch(request)));
    }

    /** Waits for the image's fetch, then decodes, resizes and scales it into the row. */
    @Override
    public RecordFailure completeRow(PendingImage pending, float[] rows, int offset) {
        return pending.completeRow(pipeline, rows, offset);
    }

    @Override
    public long[] rowShape() {
        return pipeline.target().rowShape();
    }
}
