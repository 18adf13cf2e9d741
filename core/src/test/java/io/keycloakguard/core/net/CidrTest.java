package io.keycloakguard.core.net;

import io.keycloakguard.core.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidrTest {

    @Test
    void ipv4NetworksContainTheirHostsOnly() {
        Cidr net = Cidr.parse("10.20.0.0/16").orElseThrow();
        assertTrue(net.contains("10.20.255.1"));
        assertFalse(net.contains("10.21.0.1"));
        assertEquals("10.20.0.0/16", net.toString());
        assertEquals("192.168.1.0/24", Cidr.parse("192.168.1.77/24").orElseThrow().toString());
    }

    @Test
    void ipv6NetworksContainTheirHostsOnly() {
        Cidr net = Cidr.parse("2001:db8:abcd::/48").orElseThrow();
        assertTrue(net.contains("2001:db8:abcd:12::1"));
        assertFalse(net.contains("2001:db8:abce::1"));
        assertFalse(net.contains("10.0.0.1"));
        assertTrue(Cidr.parse("::1").orElseThrow().contains("0:0:0:0:0:0:0:1"));
    }

    @Test
    void garbageIsNeverANetworkAndNeverResolved() {
        for (String bad : new String[]{"", "10.0.0.0/33", "2001:db8::/129", "example.com", "localhost", "1.2.3",
                "256.1.1.1", "10.0.0.0/-1", "10.0.0.0/abc", "1.2.3.4/24/8", "::g", "\u0000\u00ff", "a".repeat(5000)}) {
            assertTrue(Cidr.parse(bad).isEmpty(), bad);
        }
        assertTrue(IpAddresses.parse("example.com").isEmpty());
        assertFalse(Cidr.parse("0.0.0.0/0").orElseThrow().contains("not-an-ip"));
    }

    @Test
    void networkOfUsesThePrefixOfTheFamily() {
        assertEquals("203.0.113.0/24", IpAddresses.networkOf("203.0.113.9", 24, 64));
        assertEquals("2001:db8:1:2:0:0:0:0/64", IpAddresses.networkOf("2001:db8:1:2:3:4:5:6", 24, 64));
        assertEquals("unknown", IpAddresses.networkOf("garbage", 24, 64));
    }

    @Test
    void aListNamesEveryBadEntry() {
        CidrList list = CidrList.parse("Allowed networks", "10.0.0.0/8, 2001:db8::/32\n192.168.0.1");
        assertTrue(list.contains("10.1.1.1"));
        assertTrue(list.contains("2001:db8::5"));
        assertTrue(list.contains("192.168.0.1"));
        assertFalse(list.contains("192.168.0.2"));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> CidrList.parse("Denied networks", "10.0.0.0/8, 10.0.0.0/40, nonsense"));
        assertTrue(e.getMessage().contains("'10.0.0.0/40'") && e.getMessage().contains("'nonsense'")
                && e.getMessage().startsWith("Denied networks"), e.getMessage());
    }
}
