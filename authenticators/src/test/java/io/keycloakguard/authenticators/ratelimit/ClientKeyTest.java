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
    void somethingThatIsNotAnAddressHasNoKey() {
        assertEquals(Optional.empty(), ClientKey.of("unknown"));
        assertEquals(Optional.empty(), ClientKey.of("evil.example\r\nINJECTED"));
        assertEquals(Optional.empty(), ClientKey.of(""));
        assertTrue(ClientKey.of(null).isEmpty());
    }
}
