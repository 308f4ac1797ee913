package io.embedstream.fetch;

import io.embedstream.failure.FailureReason;
import java.net.UnknownHostException;

/**
 * {@link UrlPolicy#vetHost(String)} refused a host name: it is denied, does not resolve, or has an address that is
 * not allowed. It extends {@link UnknownHostException} only because that is the one checked exception that
 * HttpClient's {@code DnsResolver} may throw; the fetcher catches it and reports {@link #reason()} with the image
 * named. Never leaves the package.
 */
final class RefusedHostException extends UnknownHostException {
    private final transient FailureReason reason;

    /**
     * @param reason BLOCKED_BY_POLICY, NOT_FOUND or INVALID_URI
     * @param detail why, starting with "host NAME ..." and without the image's URI
     * @param cause  the resolver's exception, if there was one
     */
    RefusedHostException(FailureReason reason, String detail, Throwable cause) {
        super(detail);
        this.reason = reason;
        if (cause != null) {
            initCause(cause);
        }
    }

    FailureReason reason() {
        return reason;
    }
}
