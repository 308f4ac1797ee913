package io.embedstream.fetch;

import java.net.URI;
import java.net.URISyntaxException;

/** URI helpers shared by the fetchers. */
final class Uris {
    private Uris() {}

    /** The URI with any {@code user:password@} replaced by {@code ***@}, so that messages never carry credentials. */
    static String redact(String uri) {
        int scheme = uri.indexOf("://");
        if (scheme < 0) {
            return uri;
        }
        int start = scheme + 3;
        int end = start;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        int at = uri.lastIndexOf('@', end - 1);
        return at >= start ? uri.substring(0, start) + "***" + uri.substring(at) : uri;
    }

    static String redact(URI uri) {
        return redact(uri.toString());
    }

    /**
     * Parses a URI and converts it to its ASCII form (non-ASCII characters percent-encoded), so that the path
     * can go on an HTTP request line as it is.
     */
    static URI parse(String text) throws URISyntaxException {
        URI uri = new URI(text.trim());
        return new URI(uri.toASCIIString());
    }
}
