package io.keycloakguard.authenticators.notify;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnceLogTest {

    private final OnceLog once = new OnceLog(Logger.getLogger(OnceLogTest.class));

    @Test
    void oncePerRealmAndCause() {
        assertTrue(once.warn("r1", "no-smtp", "m"));
        assertFalse(once.warn("r1", "no-smtp", "m"));
        assertTrue(once.warn("r2", "no-smtp", "m"));
        assertTrue(once.warn("r1", "no-email", "m"));
    }

    @Test
    void aClearedCauseIsLoggedAgain() {
        assertTrue(once.warn("r1", "send-failed:java.net.ConnectException", "m"));
        assertTrue(once.warn("r1", "no-email", "m"));
        once.clear("r1", "send-failed:");
        assertTrue(once.warn("r1", "send-failed:java.net.ConnectException", "m"));
        assertFalse(once.warn("r1", "no-email", "m"));
    }
}
