package io.embedstream.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Classifies IP addresses for the SSRF guard: which ones must not be contacted for a host that is not
 * allowlisted. Pure functions of the address bytes; thread-safe.
 *
 * <p>IPv6 forms that embed an IPv4 address (IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible {@code ::/96},
 * NAT64 {@code 64:ff9b::/96} and 6to4 {@code 2002::/16}) are judged by the embedded IPv4 address.
 */
final class AddressRules {
    private AddressRules() {}

    /** The kinds of address, from the guard's point of view. */
    enum Kind {
        PUBLIC("public"),
        /** RFC 1918, carrier-grade NAT 100.64/10, IPv6 unique-local fc00::/7: allowed with image.allow-private. */
        PRIVATE("private"),
        LOOPBACK("loopback"),
        LINK_LOCAL("link-local"),
        UNSPECIFIED("unspecified"),
        MULTICAST("multicast"),
        /** Documentation, benchmarking, IETF protocol, 240/4, broadcast, IPv6 site-local and discard ranges. */
        RESERVED("reserved");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    static Kind classify(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return classifyV4(b, 0);
        }
        if (address instanceof Inet6Address) {
            return classifyV6(b);
        }
        return Kind.RESERVED;
    }

    private static Kind classifyV4(byte[] bytes, int offset) {
        int a = bytes[offset] & 0xff;
        int b = bytes[offset + 1] & 0xff;
        int c = bytes[offset + 2] & 0xff;
        if (a == 0) {
            return Kind.UNSPECIFIED; // 0.0.0.0/8 "this network"; 0.0.0.0 reaches the local host on Linux
        }
        if (a == 127) {
            return Kind.LOOPBACK;
        }
        if (a == 10 || (a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168) || (a == 100 && (b & 0xc0) == 64)) {
            return Kind.PRIVATE;
        }
        if (a == 169 && b == 254) {
            return Kind.LINK_LOCAL;
        }
        if (a >= 224 && a <= 239) {
            return Kind.MULTICAST;
        }
        if (a >= 240 // 240/4 reserved, 255.255.255.255 broadcast
                || (a == 192 && b == 0 && (c == 0 || c == 2)) // 192.0.0/24 IETF, 192.0.2/24 TEST-NET-1
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || (a == 198 && b == 51 && c == 100) // TEST-NET-2
                || (a == 203 && b == 0 && c == 113)) { // TEST-NET-3
            return Kind.RESERVED;
        }
        return Kind.PUBLIC;
    }

    private static Kind classifyV6(byte[] b) {
        if (allZero(b, 0, 10)) {
            if ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                return classifyV4(b, 12); // ::ffff:a.b.c.d
            }
            if (b[10] == 0 && b[11] == 0) {
                if (allZero(b, 12, 16)) {
                    return Kind.UNSPECIFIED; // ::
                }
                if (allZero(b, 12, 15) && b[15] == 1) {
                    return Kind.LOOPBACK; // ::1
                }
                return classifyV4(b, 12); // ::a.b.c.d (deprecated IPv4-compatible)
            }
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0x00 && second == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12)) {
            return classifyV4(b, 12); // 64:ff9b::/96 NAT64
        }
        if (first == 0x20 && second == 0x02) {
            return classifyV4(b, 2); // 2002::/16 6to4
        }
        if ((first & 0xfe) == 0xfc) {
            return Kind.PRIVATE; // fc00::/7 unique local
        }
        if (first == 0xfe && (second & 0xc0) == 0x80) {
            return Kind.LINK_LOCAL; // fe80::/10
        }
        if (first == 0xfe && (second & 0xc0) == 0xc0) {
            return Kind.RESERVED; // fec0::/10 site-local (deprecated)
        }
        if (first == 0xff) {
            return Kind.MULTICAST;
        }
        if ((first == 0x20 && second == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) // 2001:db8::/32 docs
                || (first == 0x01 && second == 0x00 && allZero(b, 2, 8))) { // 100::/64 discard
            return Kind.RESERVED;
        }
        return Kind.PUBLIC;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
