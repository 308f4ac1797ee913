/**
 * The vocabulary of per-record failures: {@link io.embedstream.failure.FailureReason}, every reason a dead letter
 * can carry; {@link io.embedstream.failure.RecordFailure}, what the dead-letter headers carry; and
 * {@link io.embedstream.failure.ImageFailure}, an image's failure with its source and HTTP status.
 *
 * <p>It depends on nothing else in the service, so {@code fetch}, {@code preprocess} and {@code stream} may all use
 * it without a cycle. Everything here is an immutable value.
 */
package io.embedstream.failure;
