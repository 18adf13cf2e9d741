package io.keycloakguard.core.compat;

import org.junit.jupiter.api.Test;
import org.keycloak.events.EventType;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeycloakCapabilitiesTest {

    @Test
    void withoutUserSessionDeletedEndedSessionsAreLogoutEventsAndTheStatusSaysSo() {
        KeycloakCapabilities keycloak264 = KeycloakCapabilities.detect(name -> Optional.empty(), type -> false);
        assertEquals(EventType.LOGOUT, keycloak264.sessionEndedEvent());
        assertEquals(3, keycloak264.unavailable().size());
        assertEquals(List.of("org.keycloak.events.EventType.USER_SESSION_DELETED",
                "org.keycloak.services.clientpolicy.context.UserInfoRequestContext.getClientSession()",
                "org.keycloak.services.clientpolicy.context.TokenRefreshResponseContext.getClientSession()"),
                keycloak264.unavailable().stream().map(KeycloakCapabilities.Unavailable::missing).toList());
        assertEquals("org.keycloak.events.EventType.USER_SESSION_DELETED", keycloak264.unavailable().get(0).missing());
        assertTrue(keycloak264.unavailable().get(0).instead().contains("LOGOUT"));
        @SuppressWarnings("unchecked")
        List<Map<String, String>> listed = (List<Map<String, String>>) keycloak264.status().get("unavailable");
        assertEquals("org.keycloak.events.EventType.USER_SESSION_DELETED", listed.get(0).get("missing"));
    }

    @Test
    void withUserSessionDeletedAndClientSessionsInContextsNothingIsUnavailable() {
        // The API the tests compile against (the oldest supported release) lacks the constant; any constant
        // stands in for the one a newer Keycloak returns.
        EventType found = EventType.LOGIN;
        KeycloakCapabilities keycloak267 = KeycloakCapabilities.detect(
                name -> KeycloakCapabilities.USER_SESSION_DELETED.equals(name) ? Optional.of(found) : Optional.empty(),
                type -> true);
        assertEquals(found, keycloak267.sessionEndedEvent());
        assertEquals(List.of(), keycloak267.unavailable());
        assertEquals(List.of(), keycloak267.status().get("unavailable"));
    }

    @Test
    void aContextWithoutTheGetterIsToldApart() {
        // The API the tests compile against (26.4) lacks the getters; a class with one stands in for 26.7's.
        assertEquals(false, KeycloakCapabilities.carriesClientSession(
                org.keycloak.services.clientpolicy.context.UserInfoRequestContext.class));
        assertEquals(true, KeycloakCapabilities.carriesClientSession(WithClientSession.class));
        assertEquals(null, KeycloakCapabilities.clientSessionCarriedBy(new WithClientSession()));
    }

    public static final class WithClientSession {
        public org.keycloak.models.AuthenticatedClientSessionModel getClientSession() {
            return null;
        }
    }

    @Test
    void theRunningApiIsDetectedByName() {
        // Whatever release the tests compile against, detection agrees with its enum.
        boolean has = java.util.Arrays.stream(EventType.values()).anyMatch(t -> t.name().equals("USER_SESSION_DELETED"));
        assertEquals(has ? "USER_SESSION_DELETED" : "LOGOUT", KeycloakCapabilities.current().sessionEndedEvent().name());
    }
}
