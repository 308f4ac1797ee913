package io.embedstream.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.failure.FailureReason;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UrlPolicyTest {

    /** A resolver that knows a few made-up names and counts its lookups; no real DNS. */
    private final AtomicInteger lookups = new AtomicInteger();
    private final Map<String, List<String>> names = Map.of(
            "public.test", List.of("93.184.216.34"),
            "mixed.test", List.of("93.184.216.34", "10.0.0.1"),
            "metadata.test", List.of("169.254.169.254"),
            "private.test", List.of("10.1.2.3"),
            "v6private.test", List.of("fd00::1"));
    private final HostResolver resolver = host -> {
        lookups.incrementAndGet();
        List<String> addresses = names.get(host);
        if (addresses == null) {
            if (host.matches("[0-9.]+|[0-9a-f:]+")) {
                return List.of(InetAddress.getAllByName(host));
            }
            throw new UnknownHostException(host);
        }
        InetAddress[] out = new InetAddress[addresses.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = InetAddress.getByName(addresses.get(i));
        }
        return List.of(out);
    };

    private UrlPolicy.Decision check(UrlPolicy policy, String uri) {
        return policy.check(URI.create(uri));
    }

    private static FailureReason reason(UrlPolicy.Decision d) {
        return d instanceof UrlPolicy.Refused r ? r.failure().reason() : null;
    }

    @Test
    void shouldAllowHostWhoseAddressesAreAllPublic() {
        UrlPolicy policy = new UrlPolicy(List.of(), List.of(), false, resolver);
        UrlPolicy.Decision d = check(policy, "http://public.test/a.png");
        assertThat(d).isInstanceOf(UrlPolicy.Allowed.class);
        assertThat(((UrlPolicy.Allowed) d).addresses()).extracting(InetAddress::getHostAddress)
                .containsExactly("93.184.216.34");
    }

    @Test
    void shouldRefuseWhenAnyAddressIsNotPublic() {
        UrlPolicy policy = new UrlPolicy(List.of(), List.of(), false, resolver);
        UrlPolicy.Decision d = check(policy, "http://mixed.test/a.png");
        assertThat(reason(d)).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(((UrlPolicy.Refused) d).failure().message())
                .contains("http://mixed.test/a.png").contains("10.0.0.1").contains("private")
                .contains("image.allow-hosts").contains("image.allow-private");
    }

    @Test
    void shouldRefuseMetadataLoopbackAndPrivateByDefault() {
        UrlPolicy policy = new UrlPolicy(List.of(), List.of(), false, resolver);
        assertThat(reason(check(policy, "http://metadata.test/latest"))).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(reason(check(policy, "http://169.254.169.254/latest"))).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(reason(check(policy, "http://127.0.0.1:8080/a"))).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(reason(check(policy, "http://[::1]/a"))).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(reason(check(policy, "http://[::ffff:127.0.0.1]/a"))).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(reason(check(policy, "http://0.0.0.0/a"))).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(reason(check(policy, "http://2130706433/a"))).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(reason(check(policy, "http://private.test/a"))).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(reason(check(policy, "http://v6private.test/a"))).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
    }

    @Test
    void shouldAllowPrivateButNotLoopbackOrLinkLocalWithAllowPrivate() {
        UrlPolicy policy = new UrlPolicy(List.of(), List.of(), true, resolver);
        assertThat(check(policy, "http://private.test/a")).isInstanceOf(UrlPolicy.Allowed.class);
        assertThat(check(policy, "http://10.0.0.1/a")).isInstanceOf(UrlPolicy.Allowed.class);
        assertThat(check(policy, "http://v6private.test/a")).isInstanceOf(UrlPolicy.Allowed.class);
        assertThat(reason(check(policy, "http://127.0.0.1/a"))).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(reason(check(policy, "http://169.254.169.254/a"))).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
    }

    @Test
    void shouldExemptAllowlistedHostsExactOrBySuffix() {
        UrlPolicy policy = new UrlPolicy(List.of("metadata.test", "*.internal.test", "127.0.0.1"), List.of(), false,
                host -> List.of(InetAddress.getByName("10.9.9.9")));
        assertThat(check(policy, "http://metadata.test/a")).isInstanceOf(UrlPolicy.Allowed.class);
        assertThat(check(policy, "http://img.internal.test/a")).isInstanceOf(UrlPolicy.Allowed.class);
        assertThat(check(policy, "http://IMG.Internal.Test./a")).isInstanceOf(UrlPolicy.Allowed.class);
        assertThat(reason(check(policy, "http://internal.test/a"))).as("*.suffix matches sub-domains only")
                .isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(reason(check(policy, "http://evilinternal.test/a"))).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
    }

    @Test
    void shouldRefuseDeniedHostsBeforeResolvingEvenIfAllowlisted() {
        UrlPolicy policy = new UrlPolicy(List.of("*.public.test", "public.test"), List.of("public.test"), false, resolver);
        UrlPolicy.Decision d = check(policy, "http://PUBLIC.test/a");
        assertThat(reason(d)).isEqualTo(FailureReason.BLOCKED_BY_POLICY);
        assertThat(((UrlPolicy.Refused) d).failure().message()).contains("image.deny-hosts").contains("public.test");
        assertThat(lookups).hasValue(0);
    }

    @Test
    void shouldReportUnresolvableHostAsNotFound() {
        UrlPolicy policy = new UrlPolicy(List.of(), List.of(), false, resolver);
        UrlPolicy.Decision d = check(policy, "http://nosuch.test/a");
        assertThat(reason(d)).isEqualTo(FailureReason.NOT_FOUND);
        assertThat(((UrlPolicy.Refused) d).failure().message()).contains("nosuch.test").contains("does not resolve");
    }

    @Test
    void shouldMatchIpv6LiteralsInTheirCanonicalForm() {
        UrlPolicy policy = new UrlPolicy(List.of("::1"), List.of(), false, resolver);
        assertThat(check(policy, "http://[0:0:0:0:0:0:0:1]/a")).isInstanceOf(UrlPolicy.Allowed.class);
    }
}
