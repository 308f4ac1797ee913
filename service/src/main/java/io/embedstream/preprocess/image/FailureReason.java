package io.embedstream.preprocess.image;

/**
 * Why an image could not be turned into model input. Machine-readable: the stream layer writes
 * {@link #name()} into a dead-letter header, so constants are only ever added, never renamed.
 */
public enum FailureReason {
    /** No such file, host name does not resolve, or HTTP 404/410. Not retried. */
    NOT_FOUND,
    /** Any other non-2xx HTTP answer, a redirect without Location, or too many redirects; see the status. */
    HTTP_STATUS,
    /** Connecting or reading took longer than the configured timeout, on every attempt. */
    TIMEOUT,
    /** The download or file is larger than {@code image.max-bytes}. */
    TOO_LARGE,
    /** The bytes are not a JPEG, PNG, GIF or BMP image, or could not be decoded. */
    NOT_AN_IMAGE,
    /** The image header declares more than {@code image.max-pixels} pixels; it was not decoded. */
    TOO_MANY_PIXELS,
    /** The host is denied, resolves to a non-public address, or a redirect led to a forbidden target. Never requested. */
    BLOCKED_BY_POLICY,
    /** A {@code file://} URI outside {@code image.roots} (also after resolving {@code ..} and symlinks). */
    OUTSIDE_ALLOWED_ROOTS,
    /** A scheme other than {@code file}, {@code http} and {@code https}. */
    UNSUPPORTED_SCHEME,
    /** The URI cannot be parsed, or lacks a host or path. */
    INVALID_URI,
    /** Any other I/O problem: connection refused or reset, TLS failure, malformed HTTP, unreadable file. */
    IO_ERROR
}
