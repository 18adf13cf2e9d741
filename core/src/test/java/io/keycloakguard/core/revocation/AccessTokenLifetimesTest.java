package io.keycloakguard.core.revocation;

import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AccessTokenLifetimesTest {

    private static long longest(int realm, int implicit, String... clients) {
        return AccessTokenLifetimes.longest(realm, implicit, 36_000, 0, Stream.of(clients));
    }

    @Test
    void theRealmsLifespansWithoutOverrides() {
        assertEquals(300, longest(300, 900 / 3));
        assertEquals(900, longest(300, 900), "the implicit flow's lifespan can be the longest (when a client uses it)");
        assertEquals(300, longest(300, 0), "no client with the implicit flow: its lifespan bounds nothing");
    }

    @Test
    void aClientOverrideLongerThanTheRealmsWins() {
        assertEquals(3600, longest(300, 300, null, "", "  ", "60", "3600"));
        assertEquals(300, longest(300, 300, "60"), "a shorter override lengthens nothing");
    }

    @Test
    void minusOneMeansAsLongAsTheSession() {
        assertEquals(36_000, longest(300, 300, "-1"));
        assertEquals(86_400, AccessTokenLifetimes.longest(300, 300, 36_000, 86_400, Stream.of("-1")),
                "remember-me sessions can be longer");
    }

    @Test
    void anUnreadableOverrideIsIgnored() {
        assertEquals(300, longest(300, 300, "ten minutes"));
    }
}
