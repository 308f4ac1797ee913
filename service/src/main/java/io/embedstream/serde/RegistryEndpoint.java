package io.embedstream.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a registry lives and how to authenticate: the base URL without credentials, and the
 * {@code Authorization} header value if any. Basic-auth credentials come from {@code basicAuth}
 * ({@code user:password}) or, failing that, from the URL's user info ({@code http://user:pw@host}); a bearer
 * token is sent as {@code Bearer <token>} ({@code RegistryConfig} refuses a token together with credentials).
 *
 * @param baseUrl             e.g. {@code http://localhost:8081} or {@code http://host/apis/ccompat/v7}; no trailing slash, no credentials
 * @param authorizationHeader {@code Basic ...} or {@code Bearer ...}, or {@code null}
 */
record RegistryEndpoint(String baseUrl, String authorizationHeader) {

    static RegistryEndpoint of(String url, String basicAuth) {
        return of(url, basicAuth, null);
    }

    static RegistryEndpoint of(String url, String basicAuth, String bearerToken) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("registry.url: '" + redact(url) + "' is not a valid URL", e);
        }
        String credentials = basicAuth;
        String base = url;
        if (uri.getRawUserInfo() != null) {
            if (credentials == null) {
                credentials = decode(uri.getRawUserInfo());
            }
            try {
                base = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getRawPath(), null, null)
                        .toString();
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("registry.url: '" + redact(url) + "' is not a valid URL", e);
            }
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String header;
        if (bearerToken != null) {
            header = "Bearer " + bearerToken;
        } else if (credentials != null) {
            header = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        } else {
            header = null;
        }
        return new RegistryEndpoint(base, header);
    }

    /** The URL of {@code path}, whose segments the caller has escaped with {@link #segment}. */
    String resolve(String path) {
        return baseUrl + path;
    }

    /** One path segment (a subject, say) percent-encoded. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        String auth = authorizationHeader == null ? ""
                : authorizationHeader.startsWith("Bearer ") ? ", bearer token" : ", basic auth";
        return "RegistryEndpoint[" + baseUrl + auth + "]";
    }

    private static String decode(String rawUserInfo) {
        return URLDecoder.decode(rawUserInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String redact(String url) {
        return url.replaceAll("//[^/@]*@", "//***@");
    }
}
