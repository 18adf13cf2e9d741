package io.keycloakguard.sessionlimits.policy;

import io.keycloakguard.sessionlimits.config.ExceedAction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SessionsToEndTest {

    // created first, but used most recently
    private final SessionSummary a = new SessionSummary("a", 100, 900, false);
    // created last, used least recently
    private final SessionSummary b = new SessionSummary("b", 300, 400, false);
    private final SessionSummary c = new SessionSummary("c", 200, 500, false);

    @Test
    void leastRecentlyActiveIsNotTheOldest() {
        assertEquals(List.of(b), SessionsToEnd.toMakeRoom(List.of(a, b, c), 3, ExceedAction.END_LEAST_RECENTLY_ACTIVE));
        assertEquals(List.of(a), SessionsToEnd.toMakeRoom(List.of(a, b, c), 3, ExceedAction.END_OLDEST));
    }

    @Test
    void endsEnoughWhenFarOverTheLimit() {
        assertEquals(List.of(a, c), SessionsToEnd.toMakeRoom(List.of(a, b, c), 2, ExceedAction.END_OLDEST));
    }

    @Test
    void nothingWhenThereIsRoom() {
        assertEquals(List.of(), SessionsToEnd.toMakeRoom(List.of(a, b), 3, ExceedAction.END_OLDEST));
    }
}
