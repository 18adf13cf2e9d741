package io.keycloakguard.authenticators.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientKeyTest {

    @Test
    void oneAddressHasOneKeyHoweverKeycloakSpellsIt() {
        String resolved = ClientKey.of("2001:db8:0:0:0:0:0:5").orElseThrow();
        assertEquals(resolved, ClientKey.of("2001:db8::5").orElseThrow());
        assertEquals(resolved, ClientKey.of("[2001:DB8::5]").orElseThrow());
        assertEquals("203.0.113.7", ClientKey.of("203.0.113.7").orElseThrow());
        assertEquals("203.0.113.7", ClientKey.of("::ffff:203.0.113.7").orElseThrow());
    }

    @Test
    void ipv6IsCountedByItsNetworkIpv4ByTheAddress() {
        String a = ClientKey.of("2001:db8:1:2::7").orElseThrow();
        String b = ClientKey.of("2001:db8:1:2:ffff:1:2:3").orElseThrow();
        assertEquals(ClientKey.subject(a, 64), ClientKey.subject(b, 64));
        assertEquals("2001:db8:1:2:0:0:0:0/64", ClientKey.subject(a, 64));
        assertEquals("2001:db8:1:0:0:0:0:0/48", ClientKey.subject(b, 48));
        assertEquals("2001:db8:1:2:0:0:0:7/128", ClientKey.subject(a, 128));
        assertEquals(false, ClientKey.subject(a, 64).equals(ClientKey.subject(ClientKey.of("2001:db8:1:3::7").orElseThrow(), 64)));
        assertEquals("203.0.113.7", ClientKey.subject("203.0.113.7", 64));
    }

    @Test
    void somethingThatIsNotAnAddressHasNoKey() {
        assertEquals(Optional.empty(), ClientKey.of("unknown"));
        assertEquals(Optional.empty(), ClientKey.of("evil.example\r\nINJECTED"));
        assertEquals(Optional.empty(), ClientKey.of(""));
        assertTrue(ClientKey.of(null).isEmpty());
    }
}
