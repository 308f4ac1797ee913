package io.embedstream.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.fetch.AddressRules.Kind;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AddressRulesTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "127.0.0.1, LOOPBACK", "127.255.0.9, LOOPBACK", "::1, LOOPBACK",
            "10.0.0.1, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "192.168.1.1, PRIVATE",
            "100.64.0.1, PRIVATE", "fc00::1, PRIVATE", "fd12:3456::1, PRIVATE",
            "169.254.169.254, LINK_LOCAL", "fe80::1, LINK_LOCAL",
            "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED", "::, UNSPECIFIED",
            "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "ff02::1, MULTICAST",
            "255.255.255.255, RESERVED", "240.0.0.1, RESERVED", "192.0.2.1, RESERVED", "198.18.0.1, RESERVED",
            "2001:db8::1, RESERVED", "fec0::1, RESERVED",
            "8.8.8.8, PUBLIC", "172.32.0.1, PUBLIC", "172.15.255.255, PUBLIC", "100.128.0.1, PUBLIC",
            "2606:4700::1111, PUBLIC", "1.1.1.1, PUBLIC",
            // IPv6 forms that embed IPv4 are judged by what they embed
            "::ffff:127.0.0.1, LOOPBACK", "::ffff:10.0.0.1, PRIVATE", "::ffff:169.254.169.254, LINK_LOCAL",
            "::ffff:8.8.8.8, PUBLIC", "::127.0.0.1, LOOPBACK", "64:ff9b::a9fe:a9fe, LINK_LOCAL",
            "2002:7f00:1::, LOOPBACK", "2002:0808:0808::, PUBLIC"
    })
    void shouldClassify(String address, Kind expected) throws Exception {
        assertThat(AddressRules.classify(InetAddress.getByName(address))).isEqualTo(expected);
    }

    @Test
    void shouldJudgeIpv4MappedAddressEvenWhenKeptAsInet6Address() throws Exception {
        // InetAddress.getByName turns ::ffff:a.b.c.d into an Inet4Address; Inet6Address.getByAddress does not.
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 169;
        mapped[13] = (byte) 254;
        mapped[14] = (byte) 169;
        mapped[15] = (byte) 254;
        InetAddress address = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(address).isInstanceOf(Inet6Address.class);
        assertThat(AddressRules.classify(address)).isEqualTo(Kind.LINK_LOCAL);
    }
}
