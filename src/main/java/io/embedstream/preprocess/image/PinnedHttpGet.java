package io.embedstream.preprocess.image;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 GET over one new connection to an address that the caller has already vetted. The host name is
 * never resolved here: the socket connects to the given {@link InetAddress}, the {@code Host} header carries the
 * name, and for HTTPS the TLS layer sends the name as SNI and verifies the certificate against the name.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it always resolves the URI's host itself, so it cannot be told
 * which address to use. Pointing it at the IP instead needs the restricted {@code Host} header (allowed only with
 * the JVM-wide {@code jdk.httpclient.allowRestrictedHeaders}) and breaks SNI and certificate checks for HTTPS.
 * Its request timeout also stops at the response head, so it would not bound a slowly trickled body.
 *
 * <p>Scope: {@code Connection: close} (no keep-alive), identity or gzip content coding, Content-Length, chunked or
 * read-to-close bodies; no proxies (the point is to connect to the vetted address directly).
 *
 * <p>Limits: connect timeout per address; one deadline (read timeout) for TLS handshake, response head and body
 * together; the body is never allowed past {@code maxBytes} (Content-Length is checked before reading).
 *
 * <p>Thread-safe and stateless; each call owns and closes its socket.
 */
final class PinnedHttpGet {
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEAD = 64 * 1024;
    private static final String USER_AGENT = "embedstream-image-fetcher/1";

    /**
     * An HTTP answer.
     *
     * @param headers lower-case names, values in arrival order
     * @param body    the (decoded) body for 2xx answers; empty for others, whose bodies are not read
     */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private final SSLSocketFactory tls;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final long maxBytes;

    PinnedHttpGet(SSLSocketFactory tls, int connectTimeoutMs, int readTimeoutMs, long maxBytes) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
        this.maxBytes = maxBytes;
    }

    /**
     * @param uri       an absolute http(s) URI in ASCII form
     * @param host      the vetted host name, used for Host, SNI and certificate checks
     * @param addresses the vetted addresses of {@code host}; tried in order until one accepts the connection
     * @param label     how messages name the image ("image http://...")
     */
    Response get(URI uri, String host, List<InetAddress> addresses, String label) throws FetchException {
        String source = Uris.redact(uri);
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
        Socket plain = connect(addresses, port, host, source, label);
        try (Socket socket = https ? startTls(plain, host, port) : plain) {
            long deadline = System.nanoTime() + readTimeoutMs * 1_000_000L;
            if (socket instanceof SSLSocket ssl) {
                socket.setSoTimeout(readTimeoutMs);
                ssl.startHandshake();
            }
            OutputStream out = socket.getOutputStream();
            out.write(requestHead(uri, port, https).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new BufferedInputStream(new DeadlineInputStream(socket, deadline), 16 * 1024);
            int status;
            Map<String, List<String>> headers;
            do { // skip interim 1xx answers
                status = readStatus(in, source, label);
                headers = readHeaders(in, source, label);
            } while (status >= 100 && status < 200);
            if (status < 200 || status >= 300 || status == 204) {
                return new Response(status, headers, new byte[0]);
            }
            byte[] body = readBody(in, headers, source, label);
            return new Response(status, headers, decode(body, headers, source, label));
        } catch (SocketTimeoutException e) {
            throw new FetchException(ImageFailure.of(FailureReason.TIMEOUT, source, label + ": no complete answer from "
                    + host + " within image.read-timeout-ms=" + readTimeoutMs), true, e);
        } catch (SSLException e) {
            throw new FetchException(ImageFailure.of(FailureReason.IO_ERROR, source, label + ": TLS with " + host
                    + " failed (" + e.getMessage() + "); expected a certificate valid for " + host
                    + " from a trusted authority"), false, e);
        } catch (IOException e) {
            throw new FetchException(ImageFailure.of(FailureReason.IO_ERROR, source, label + ": I/O error talking to "
                    + host + ": " + e), false, e);
        }
    }

    private Socket connect(List<InetAddress> addresses, int port, String host, String source, String label)
            throws FetchException {
        FetchException last = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket(Proxy.NO_PROXY);
            String where = host + " (" + new InetSocketAddress(address, port).toString().replaceFirst("^.*/", "") + ")";
            try {
                socket.connect(new InetSocketAddress(address, port), connectTimeoutMs);
                socket.setTcpNoDelay(true);
                return socket;
            } catch (SocketTimeoutException e) {
                closeQuietly(socket);
                last = new FetchException(ImageFailure.of(FailureReason.TIMEOUT, source, label + ": connecting to " + where
                        + " timed out after image.connect-timeout-ms=" + connectTimeoutMs), true, e);
            } catch (ConnectException | NoRouteToHostException e) {
                closeQuietly(socket);
                last = new FetchException(ImageFailure.of(FailureReason.IO_ERROR, source, label + ": cannot connect to "
                        + where + " (" + e.getMessage() + "); expected a server listening there"), false, e);
            } catch (IOException e) {
                closeQuietly(socket);
                last = new FetchException(ImageFailure.of(FailureReason.IO_ERROR, source, label + ": cannot connect to "
                        + where + ": " + e), false, e);
            }
        }
        throw Objects.requireNonNull(last, "no addresses");
    }

    private Socket startTls(Socket plain, String host, int port) throws IOException {
        try {
            // Layered over the socket that is already connected to the vetted address. The host name given here is
            // what JSSE sends as SNI and what the HTTPS endpoint identification checks the certificate against.
            SSLSocket ssl = (SSLSocket) tls.createSocket(plain, host, port, true);
            SSLParameters params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(params);
            return ssl;
        } catch (IOException | RuntimeException e) {
            closeQuietly(plain);
            throw e;
        }
    }

    private static String requestHead(URI uri, int port, boolean https) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        String hostHeader = uri.getHost();
        if (port != (https ? 443 : 80)) {
            hostHeader += ":" + port;
        }
        return "GET " + target + " HTTP/1.1\r\n"
                + "Host: " + hostHeader + "\r\n"
                + "User-Agent: " + USER_AGENT + "\r\n"
                + "Accept: image/*, */*;q=0.5\r\n"
                + "Accept-Encoding: identity\r\n"
                + "Connection: close\r\n\r\n";
    }

    private static int readStatus(InputStream in, String source, String label) throws IOException, FetchException {
        String line = readLine(in);
        if (line == null) {
            throw new EOFException("connection closed before the status line");
        }
        // HTTP/1.1 200 OK
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw FetchException.of(FailureReason.IO_ERROR, source, label + ": malformed HTTP status line '"
                    + abbreviate(line) + "'; expected an HTTP/1.x server");
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw FetchException.of(FailureReason.IO_ERROR, source, label + ": malformed HTTP status line '"
                    + abbreviate(line) + "'");
        }
    }

    private static Map<String, List<String>> readHeaders(InputStream in, String source, String label)
            throws IOException, FetchException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int total = 0;
        String lastName = null;
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("connection closed inside the response head");
            }
            if (line.isEmpty()) {
                return headers;
            }
            total += line.length() + 2;
            if (total > MAX_HEAD) {
                throw FetchException.of(FailureReason.IO_ERROR, source, label + ": response head longer than "
                        + MAX_HEAD + " bytes");
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && lastName != null) {
                List<String> values = headers.get(lastName); // obsolete line folding
                values.set(values.size() - 1, values.get(values.size() - 1) + " " + line.trim());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw FetchException.of(FailureReason.IO_ERROR, source, label + ": malformed HTTP header line '"
                        + abbreviate(line) + "'");
            }
            lastName = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(lastName, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
    }

    private byte[] readBody(InputStream in, Map<String, List<String>> headers, String source, String label)
            throws IOException, FetchException {
        List<String> te = headers.get("transfer-encoding");
        if (te != null && te.get(te.size() - 1).toLowerCase(Locale.ROOT).trim().endsWith("chunked")) {
            return readChunked(in, source, label);
        }
        List<String> lengths = headers.get("content-length");
        if (te == null && lengths != null) {
            long length = contentLength(lengths, source, label);
            if (length > maxBytes) {
                throw FetchException.of(FailureReason.TOO_LARGE, source, label + " is " + length
                        + " bytes (Content-Length); the limit is image.max-bytes=" + maxBytes);
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
            }
            return body;
        }
        Bounded out = new Bounded(source, label);
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, n);
        }
        return out.toByteArray();
    }

    private byte[] readChunked(InputStream in, String source, String label) throws IOException, FetchException {
        Bounded out = new Bounded(source, label);
        byte[] buffer = new byte[16 * 1024];
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("connection closed inside a chunked body");
            }
            int semicolon = line.indexOf(';');
            String hex = (semicolon >= 0 ? line.substring(0, semicolon) : line).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw FetchException.of(FailureReason.IO_ERROR, source, label + ": malformed chunk size '"
                        + abbreviate(line) + "'");
            }
            if (size < 0) {
                throw FetchException.of(FailureReason.IO_ERROR, source, label + ": negative chunk size");
            }
            if (size == 0) {
                readHeaders(in, source, label); // trailers
                return out.toByteArray();
            }
            out.reserve(size);
            long left = size;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException("connection closed inside a chunk");
                }
                out.write(buffer, n);
                left -= n;
            }
            String end = readLine(in);
            if (end == null || !end.isEmpty()) {
                throw FetchException.of(FailureReason.IO_ERROR, source, label + ": malformed chunked body");
            }
        }
    }

    private byte[] decode(byte[] body, Map<String, List<String>> headers, String source, String label)
            throws IOException, FetchException {
        List<String> codings = headers.get("content-encoding");
        if (codings == null) {
            return body;
        }
        String coding = String.join(",", codings).trim().toLowerCase(Locale.ROOT);
        if (coding.isEmpty() || coding.equals("identity")) {
            return body;
        }
        if (!coding.equals("gzip") && !coding.equals("x-gzip")) {
            throw FetchException.of(FailureReason.IO_ERROR, source, label + ": unsupported Content-Encoding '"
                    + coding + "'; expected identity or gzip");
        }
        try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(body))) {
            Bounded out = new Bounded(source, label);
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = gz.read(buffer)) > 0) {
                out.write(buffer, n);
            }
            return out.toByteArray();
        }
    }

    private long contentLength(List<String> values, String source, String label) throws FetchException {
        long length = -1;
        for (String value : values) {
            for (String part : value.split(",")) {
                long v;
                try {
                    v = Long.parseLong(part.trim());
                } catch (NumberFormatException e) {
                    v = -1;
                }
                if (v < 0 || (length >= 0 && v != length)) {
                    throw FetchException.of(FailureReason.IO_ERROR, source, label + ": invalid Content-Length "
                            + values);
                }
                length = v;
            }
        }
        return length;
    }

    /** One CRLF- (or LF-) terminated line in ISO-8859-1, without the terminator; null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("HTTP line longer than " + MAX_LINE + " bytes");
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do: the socket was never used
        }
    }

    /** A byte buffer that refuses to grow past {@code maxBytes}: the download is aborted at that point. */
    private final class Bounded {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 * 1024);
        private final String source;
        private final String label;

        Bounded(String source, String label) {
            this.source = source;
            this.label = label;
        }

        void reserve(long more) throws FetchException {
            if (bytes.size() + more > maxBytes) {
                throw tooLarge();
            }
        }

        void write(byte[] buffer, int n) throws FetchException {
            if (bytes.size() + (long) n > maxBytes) {
                throw tooLarge();
            }
            bytes.write(buffer, 0, n);
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }

        private FetchException tooLarge() {
            return FetchException.of(FailureReason.TOO_LARGE, source, label + " is larger than image.max-bytes="
                    + maxBytes + "; the download was aborted");
        }
    }

    /** Gives every read only the time left until the deadline, so one deadline bounds the whole answer. */
    private static final class DeadlineInputStream extends FilterInputStream {
        private final Socket socket;
        private final long deadlineNanos;

        DeadlineInputStream(Socket socket, long deadlineNanos) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public int read() throws IOException {
            arm();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            return super.read(b, off, len);
        }

        private void arm() throws IOException {
            long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000L;
            if (leftMs <= 0) {
                throw new SocketTimeoutException("read deadline passed");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMs));
        }
    }
}
