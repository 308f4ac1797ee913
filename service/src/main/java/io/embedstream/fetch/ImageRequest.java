package io.embedstream.fetch;

import io.embedstream.avro.ImageReference;
import java.nio.ByteBuffer;

/**
 * One image to fetch: a URI, or bytes that were sent inline. Nothing is validated here; a bad URI becomes a
 * failure value when the request is fetched.
 *
 * <p>Ownership: the {@code bytes} array is handed over, not copied; the caller must not change it afterwards.
 *
 * @param id    the record's id (for logs), may be null
 * @param uri   {@code http://}, {@code https://} or {@code file://}; only a label when {@code bytes} is set
 * @param bytes inline image file contents, used instead of fetching; null = fetch {@code uri}
 */
public record ImageRequest(String id, String uri, byte[] bytes) {

    public static ImageRequest of(String id, String uri) {
        return new ImageRequest(id, uri, null);
    }

    public static ImageRequest inline(String id, String uri, byte[] bytes) {
        return new ImageRequest(id, uri, bytes);
    }

    /** The request for an {@link ImageReference} record; copies the inline bytes out of Avro's buffer. */
    public static ImageRequest from(ImageReference reference) {
        ByteBuffer buffer = reference.getBytes();
        byte[] bytes = null;
        if (buffer != null) {
            ByteBuffer view = buffer.duplicate();
            bytes = new byte[view.remaining()];
            view.get(bytes);
        }
        return new ImageRequest(reference.getId(), reference.getUri(), bytes);
    }

    public boolean hasInlineBytes() {
        return bytes != null;
    }

    /** How messages name this image: the URI without credentials, or "inline bytes of record ID" (without an id: "inline bytes"). */
    public String describe() {
        if (bytes != null) {
            return "inline bytes" + (id == null ? "" : " of record " + id)
                    + (uri == null || uri.isBlank() ? "" : " (" + Uris.redact(uri) + ")");
        }
        return uri == null ? "(no uri)" : Uris.redact(uri);
    }

    @Override
    public String toString() {
        return "ImageRequest[id=" + id + ", " + describe() + (bytes == null ? "" : ", " + bytes.length + " bytes") + "]";
    }
}
