package io.embedstream.fetch;

import io.embedstream.config.ImageConfig;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.ImageFailure;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultHttpResponseParserFactory;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * One HTTP GET (one redirect hop) per call, over Apache HttpClient 5's classic (blocking) client. HttpClient does
 * the protocol work: connection pooling and keep-alive, TLS, the response parser with its limits, chunked and
 * Content-Length bodies. This class sets it up so that the fetcher's rules hold:
 *
 * <ul>
 *   <li><b>SSRF guard at connect time.</b> The connection manager's only DNS resolver is a
 *       {@link PolicyDnsResolver}: a host name becomes addresses only through {@link UrlPolicy#vetHost(String)},
 *       and the socket is connected to one of exactly those addresses (tried in order, each with
 *       {@code image.connect-timeout-ms}). A refused host fails before any socket is opened. The name itself goes
 *       into the {@code Host} header and, for HTTPS, into SNI and the certificate check (JSSE's {@code HTTPS}
 *       endpoint identification), so DNS rebinding cannot move the connection and TLS still proves the name.
 *       A pooled connection is reused only for the same scheme, host name and port, that is, for the address
 *       already vetted for that name. No proxy is used: the route planner is HttpClient's direct one and the
 *       JVM's proxy settings are not read.</li>
 *   <li><b>One read deadline.</b> {@code image.read-timeout-ms} bounds the TLS handshake, response head and body
 *       together ({@link ReadDeadline}); HttpClient's per-read socket timeout is set to the same value.</li>
 *   <li><b>Size.</b> A Content-Length above {@code image.max-bytes} is refused before the body is read; any
 *       other body is counted while it streams and dropped, with its connection, once it passes the limit.</li>
 *   <li><b>Left to the caller:</b> redirects (HttpClient's redirect handling is off, so the fetcher vets and counts
 *       every hop) and retries after transient failures, which {@link FetchException#retryable()} marks (HttpClient
 *       itself only sends a request again, once, when a reused keep-alive connection turns out to have been closed
 *       by the server).</li>
 *   <li><b>Strict parsing, with limits:</b> the answer must start with a status line (HttpClient's default
 *       parser would skip other lines as garbage); a line (status, header or chunk-size line) may have at most
 *       {@value #MAX_LINE_LENGTH} characters, and there may be at most {@value #MAX_HEADER_COUNT} header fields.
 *       Anything else is an {@code IO_ERROR}. Only the {@code identity} and {@code gzip} content codings are
 *       accepted ({@code identity} is asked for).</li>
 * </ul>
 *
 * <p>Thread-safe: one instance serves all fetch threads; at most {@code image.max-concurrency} connections are
 * open at once. The owner closes it, which closes every connection at once.
 */
final class ImageHttpClient implements AutoCloseable {
    static final String USER_AGENT = "embedstream-image-fetcher/1";
    static final int MAX_LINE_LENGTH = 8 * 1024;
    static final int MAX_HEADER_COUNT = 100;
    /** Bodies of non-2xx answers up to this size are read and dropped so that the connection can be reused. */
    private static final long MAX_DRAIN_BYTES = 16 * 1024;
    /** Idle pooled connections are checked before reuse after this long, and closed after {@link #MAX_IDLE}. */
    private static final TimeValue VALIDATE_AFTER = TimeValue.ofSeconds(1);
    private static final TimeValue MAX_IDLE = TimeValue.ofSeconds(30);

    /**
     * An HTTP answer.
     *
     * @param location   the Location header of a non-2xx answer, or null
     * @param retryAfter the Retry-After header of a non-2xx answer, or null
     * @param body       the decoded body of a 2xx answer; empty for others, whose bodies are not kept
     */
    record Response(int status, String location, String retryAfter, byte[] body) {}

    private final CloseableHttpClient client;
    private final ScheduledThreadPoolExecutor timer;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final long maxBytes;

    /**
     * @param policy vets every host name the client resolves
     * @param tls    the TLS context for https; its trust store decides which certificates are accepted
     */
    ImageHttpClient(UrlPolicy policy, SSLContext tls, ImageConfig config) {
        this.connectTimeoutMs = config.connectTimeoutMs();
        this.readTimeoutMs = config.readTimeoutMs();
        this.maxBytes = config.maxBytes();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "embedstream-image-fetch-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);

        Timeout read = Timeout.ofMilliseconds(readTimeoutMs);
        // Certificate and host name checked by JSSE (endpoint identification "HTTPS" against the host name, which
        // is also sent as SNI), as HttpsURLConnection does.
        DefaultClientTlsStrategy jsse = new DefaultClientTlsStrategy(Objects.requireNonNull(tls, "tls"),
                HostnameVerificationPolicy.BUILTIN, null);
        TlsSocketStrategy tlsStarts = (socket, target, port, attachment, context) -> {
            ReadDeadline deadline = ReadDeadline.of(context);
            if (deadline != null) {
                deadline.start(); // TCP is connected; the handshake counts against the read deadline
            }
            return jsse.upgrade(socket, target, port, attachment, context);
        };
        Http1Config http1 = Http1Config.custom()
                .setMaxLineLength(MAX_LINE_LENGTH)
                .setMaxHeaderCount(MAX_HEADER_COUNT)
                .build();
        HttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new PolicyDnsResolver(policy))
                .setTlsSocketStrategy(tlsStarts)
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(http1)
                        // httpcore's strict parser: an answer that does not start with a status line fails at once
                        // (HttpClient's default parser would skip it as garbage and wait for the read deadline)
                        .responseParserFactory(new DefaultHttpResponseParserFactory(http1))
                        .build())
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(read).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.ofMilliseconds(connectTimeoutMs))
                        .setSocketTimeout(read)
                        .setValidateAfterInactivity(VALIDATE_AFTER)
                        .build())
                .setDefaultTlsConfig(TlsConfig.custom()
                        .setHandshakeTimeout(read)
                        .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1)
                        .build())
                .setMaxConnTotal(config.maxConcurrency())
                .setMaxConnPerRoute(config.maxConcurrency())
                .build();
        ExecChainHandler sendStarts = (request, scope, chain) -> {
            ReadDeadline deadline = ReadDeadline.of(scope.clientContext);
            if (deadline != null) {
                deadline.start(); // no-op after a TLS handshake on this connection
                deadline.check();
            }
            return chain.proceed(request, scope);
        };
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        // The pool has a connection for every fetch thread; waiting for one means a leak.
                        .setConnectionRequestTimeout(Timeout.ofMilliseconds(connectTimeoutMs))
                        .setResponseTimeout(read)
                        .setRedirectsEnabled(false)
                        .setContentCompressionEnabled(false)
                        .setProtocolUpgradeEnabled(false)
                        .setAuthenticationEnabled(false)
                        .build())
                .addExecInterceptorAfter(ChainElement.CONNECT.name(), "embedstream-read-deadline", sendStarts)
                .disableRedirectHandling()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .setRetryStrategy(new DroppedKeepAliveRetry())
                .setUserAgent(USER_AGENT)
                .setDefaultHeaders(List.of(new BasicHeader(HttpHeaders.ACCEPT, "image/*, */*;q=0.5"),
                        new BasicHeader(HttpHeaders.ACCEPT_ENCODING, "identity")))
                .evictIdleConnections(MAX_IDLE)
                .build();
    }

    /**
     * @param uri   an absolute http(s) URI in ASCII form, without user info
     * @param label how messages name the image ("image http://...")
     * @throws FetchException for a refused host, a timeout (retryable), an oversized body or any I/O or protocol
     *                        error
     */
    Response get(URI uri, String label) throws FetchException {
        String source = Uris.redact(uri);
        String host = UrlPolicy.canonicalHost(uri.getHost());
        if (host == null || host.isEmpty()) {
            throw FetchException.of(FailureReason.INVALID_URI, source, label
                    + " has no host; expected http(s)://host/path");
        }
        // The route's host is the name that the policy vets and that TLS checks; the Host header comes from the URI.
        HttpHost target = new HttpHost(uri.getScheme().toLowerCase(Locale.ROOT), host, uri.getPort());
        HttpGet request = new HttpGet(uri);
        HttpClientContext context = HttpClientContext.create();
        try (ReadDeadline deadline = new ReadDeadline(timer, readTimeoutMs, request)) {
            deadline.attachTo(context);
            try {
                return exchange(target, request, context, deadline, source, label);
            } catch (RefusedHostException e) {
                throw new FetchException(ImageFailure.of(e.reason(), source, label + ": " + e.getMessage()), false, e);
            } catch (IOException e) {
                throw failure(e, deadline, target, source, label);
            }
        }
    }

    private Response exchange(HttpHost target, HttpGet request, HttpClientContext context, ReadDeadline deadline,
            String source, String label) throws IOException, FetchException {
        CloseableHttpResponse response = CloseableHttpResponse.adapt(client.executeOpen(target, request, context));
        boolean reuse = false;
        try {
            int status = response.getCode();
            HttpEntity entity = response.getEntity();
            if (status < 200 || status >= 300) {
                Header location = response.getFirstHeader(HttpHeaders.LOCATION);
                Header retryAfter = response.getFirstHeader(HttpHeaders.RETRY_AFTER);
                long length = entity == null ? 0 : entity.getContentLength();
                reuse = length >= 0 && length <= MAX_DRAIN_BYTES;
                return new Response(status, location == null ? null : location.getValue(),
                        retryAfter == null ? null : retryAfter.getValue(), new byte[0]);
            }
            if (entity == null) {
                reuse = true;
                return new Response(status, null, null, new byte[0]);
            }
            long length = entity.getContentLength();
            if (length > maxBytes) {
                throw FetchException.of(FailureReason.TOO_LARGE, source, label + " is " + length
                        + " bytes (Content-Length); the limit is image.max-bytes=" + maxBytes);
            }
            String coding = contentCoding(response, source, label);
            BodyStream raw = new BodyStream(entity.getContent(), deadline);
            byte[] body = readAtMost(coding == null ? raw : new GZIPInputStream(raw, 16 * 1024), length, source, label);
            reuse = raw.ended(); // gzip may stop before the end of the raw stream
            return new Response(status, null, null, body);
        } finally {
            if (reuse) {
                try {
                    response.close(); // reads what is left (nothing, or a small error body) and pools the connection
                } catch (IOException e) {
                    // the answer is complete; HttpClient has dropped the connection instead of pooling it
                }
            } else {
                response.close(CloseMode.IMMEDIATE); // drops the connection without reading on
            }
        }
    }

    /** Null for identity, "gzip" for gzip. */
    private static String contentCoding(HttpResponse response, String source, String label) throws FetchException {
        Header[] headers = response.getHeaders(HttpHeaders.CONTENT_ENCODING);
        if (headers.length == 0) {
            return null;
        }
        StringBuilder all = new StringBuilder();
        for (Header h : headers) {
            all.append(all.length() == 0 ? "" : ",").append(h.getValue());
        }
        String coding = all.toString().trim().toLowerCase(Locale.ROOT);
        if (coding.isEmpty() || coding.equals("identity")) {
            return null;
        }
        if (coding.equals("gzip") || coding.equals("x-gzip")) {
            return "gzip";
        }
        throw FetchException.of(FailureReason.IO_ERROR, source, label + ": unsupported Content-Encoding '" + coding
                + "'; expected identity or gzip");
    }

    /** Reads {@code in} to its end, failing as soon as more than {@code max-bytes} arrive. */
    private byte[] readAtMost(InputStream in, long declaredLength, String source, String label)
            throws IOException, FetchException {
        // Trust a declared length for the first MiB only: a server cannot make us allocate what it never sends.
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(declaredLength, 16 * 1024),
                1024 * 1024));
        byte[] buffer = new byte[16 * 1024];
        int n;
        try {
            while ((n = in.read(buffer)) != -1) {
                if (out.size() + (long) n > maxBytes) {
                    throw tooLarge(source, label);
                }
                out.write(buffer, 0, n);
            }
        } catch (BodyTooLarge e) {
            throw tooLarge(source, label);
        }
        return out.toByteArray();
    }

    private FetchException tooLarge(String source, String label) {
        return FetchException.of(FailureReason.TOO_LARGE, source, label + " is larger than image.max-bytes="
                + maxBytes + "; the download was aborted");
    }

    private FetchException failure(IOException e, ReadDeadline deadline, HttpHost target, String source,
            String label) {
        String host = target.getHostName();
        // The deadline starts only once TCP is connected: a "connect" timeout after that is the TLS handshake's.
        if (deadline.expired() || (e instanceof SocketTimeoutException && deadline.started())) {
            return new FetchException(ImageFailure.of(FailureReason.TIMEOUT, source, label + ": no complete answer from "
                    + host + " within image.read-timeout-ms=" + readTimeoutMs), true, e);
        }
        if (e instanceof ConnectTimeoutException) {
            return new FetchException(ImageFailure.of(FailureReason.TIMEOUT, source, label + ": connecting to "
                    + target.toHostString() + " timed out after image.connect-timeout-ms=" + connectTimeoutMs), true, e);
        }
        if (e instanceof SocketTimeoutException) {
            return new FetchException(ImageFailure.of(FailureReason.TIMEOUT, source, label + ": no complete answer from "
                    + host + " within image.read-timeout-ms=" + readTimeoutMs), true, e);
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            // The server may be restarting or briefly down: retried, within the retry budget.
            return new FetchException(ImageFailure.of(FailureReason.IO_ERROR, source, label + ": cannot connect to "
                    + target.toHostString() + " (" + e.getMessage() + "); expected a server listening there"), true, e);
        }
        if (e instanceof SSLException) {
            return new FetchException(ImageFailure.of(FailureReason.IO_ERROR, source, label + ": TLS with " + host
                    + " failed (" + e.getMessage() + "); expected a certificate valid for " + host
                    + " from a trusted authority"), false, e);
        }
        if (e instanceof MessageConstraintException) {
            return new FetchException(ImageFailure.of(FailureReason.IO_ERROR, source, label + ": the response from "
                    + host + " was refused (" + e.getMessage() + "); at most " + MAX_HEADER_COUNT
                    + " header fields and " + MAX_LINE_LENGTH + " characters per line are accepted"), false, e);
        }
        if (e instanceof ConnectionClosedException || e instanceof NoHttpResponseException) {
            // The server closed the connection before or while answering (restarting, overloaded): retried.
            return new FetchException(ImageFailure.of(FailureReason.IO_ERROR, source, label
                    + ": incomplete HTTP answer from " + host + ", the server closed the connection ("
                    + e.getMessage() + ")"), true, e);
        }
        if (e instanceof ClientProtocolException || e instanceof MalformedChunkCodingException) {
            return new FetchException(ImageFailure.of(FailureReason.IO_ERROR, source, label
                    + ": malformed HTTP answer from " + host + " (" + e.getMessage()
                    + "); expected an HTTP/1.x server"), false, e);
        }
        if (e instanceof SocketException) {
            // A connection reset or broken pipe: the server went away mid-exchange; retried.
            return new FetchException(ImageFailure.of(FailureReason.IO_ERROR, source, label + ": the connection to "
                    + host + " failed (" + e.getMessage() + ")"), true, e);
        }
        if (e instanceof ZipException) {
            return new FetchException(ImageFailure.of(FailureReason.IO_ERROR, source, label + ": the gzip-encoded body from "
                    + host + " is corrupt (" + e.getMessage() + ")"), false, e);
        }
        return new FetchException(ImageFailure.of(FailureReason.IO_ERROR, source, label + ": I/O error talking to "
                + host + ": " + e), false, e);
    }

    /** Closes every connection at once and stops the deadline timer. */
    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
        timer.shutdownNow();
    }

    /**
     * The entity's stream, checked against the read deadline before every read and capped at {@code max-bytes}
     * of raw (still encoded) bytes.
     */
    private final class BodyStream extends FilterInputStream {
        private final ReadDeadline deadline;
        private long count;
        private boolean ended;

        BodyStream(InputStream in, ReadDeadline deadline) {
            super(in);
            this.deadline = deadline;
        }

        boolean ended() {
            return ended;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            deadline.check();
            int n = super.read(b, off, len);
            if (n == -1) {
                ended = true;
            } else if ((count += n) > maxBytes) {
                throw new BodyTooLarge();
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] sink = new byte[(int) Math.min(n, 8 * 1024)];
            int read = read(sink, 0, sink.length);
            return Math.max(read, 0);
        }
    }

    /** The raw body passed {@code max-bytes}; {@link #readAtMost} reports it as TOO_LARGE. */
    private static final class BodyTooLarge extends IOException {
        BodyTooLarge() {
            super("body larger than image.max-bytes");
        }
    }

    /**
     * Sends a request again, once, on a new connection, when a pooled keep-alive connection turns out to have been
     * closed by the server (no answer, or a reset): a race that validating idle connections narrows but cannot
     * close. A request on a fresh connection is never sent again here, and neither is anything after the read
     * deadline; timeouts and 5xx are retried by the fetcher, with back-off.
     */
    private static final class DroppedKeepAliveRetry implements HttpRequestRetryStrategy {
        @Override
        public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
            if (execCount != 1 || !(exception instanceof NoHttpResponseException || exception instanceof SocketException)) {
                return false;
            }
            ReadDeadline deadline = ReadDeadline.of(context);
            if (deadline != null && deadline.expired()) {
                return false;
            }
            EndpointDetails connection = HttpClientContext.castOrCreate(context).getEndpointDetails();
            return connection != null && connection.getRequestCount() > 1; // this was not its first request
        }

        @Override
        public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
            return false;
        }

        @Override
        public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }
    }
}
