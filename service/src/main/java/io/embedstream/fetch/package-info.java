/**
 * Image fetching behind the SSRF guard: turns an {@link io.embedstream.fetch.ImageRequest} (an {@code http://},
 * {@code https://} or {@code file://} URI, or inline bytes) into the image file's bytes, or into a failure value.
 *
 * <ul>
 *   <li>{@link io.embedstream.fetch.ImageFetcher}: the entry point. Owns a bounded pool of fetch threads, retries
 *       transient failures with back-off ({@link io.embedstream.fetch.RetryPolicy}), follows redirects itself and caps sizes; results are
 *       {@link io.embedstream.fetch.FetchResult} values in request order.</li>
 *   <li>The SSRF guard: {@link io.embedstream.fetch.UrlPolicy} (deny and allow lists, one lookup through
 *       {@link io.embedstream.fetch.HostResolver}, address classes from {@code AddressRules}), plugged into the HTTP
 *       client as its only DNS resolver ({@code PolicyDnsResolver}), so the address that is checked is the address
 *       that is connected to.</li>
 *   <li>{@code ImageHttpClient} (Apache HttpClient 5 with a whole-exchange {@code ReadDeadline}) for http(s), and
 *       {@code RootedFileReader} (only under {@code image.roots}, symlinks resolved) for files.</li>
 * </ul>
 *
 * <p>Bad input never throws: it becomes a {@link io.embedstream.fetch.FetchResult.Failed} carrying an
 * {@link io.embedstream.failure.ImageFailure} with a {@link io.embedstream.failure.FailureReason}. It depends only on
 * {@code config} (its {@code image.*} settings), {@code failure} and the Avro {@code ImageReference} record; it knows
 * nothing of pixels ({@code preprocess.image}), Kafka ({@code stream}) or TensorFlow. See {@code docs/images.md}.
 */
package io.embedstream.fetch;
