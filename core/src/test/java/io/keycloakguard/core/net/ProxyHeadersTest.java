package io.keycloakguard.core.net;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProxyHeadersTest {

    private static ProxyHeaders of(Map<String, String> kc) {
        return ProxyHeaders.of(key -> Optional.ofNullable(kc.get(key)));
    }

    @Test
    void readsTheModeAndTheTrustedProxies() {
        ProxyHeaders proxy = of(Map.of("kc.proxy-headers", "Forwarded", "kc.proxy-trusted-addresses", "10.0.0.1, 10.0.1.0/24"));
        assertEquals("forwarded", proxy.headers());
        assertEquals(List.of("10.0.0.1", "10.0.1.0/24"), proxy.trustedAddresses());
        assertFalse(proxy.describe().containsKey("warning"));
    }

    @Test
    void noProxyHeadersIsNone() {
        ProxyHeaders proxy = of(Map.of());
        assertEquals(ProxyHeaders.NONE, proxy.headers());
        assertTrue(proxy.describe().containsKey("note"));
    }

    @Test
    void headersFromEveryPeerAreWarnedAbout() {
        Map<String, Object> described = of(Map.of("kc.proxy-headers", "xforwarded")).describe();
        assertEquals("xforwarded", described.get("headers"));
        assertTrue(String.valueOf(described.get("warning")).contains("any client"), described.toString());
    }
}
