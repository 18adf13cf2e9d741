package io.keycloakguard.events.revocation;

import org.junit.jupiter.api.Test;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RevocationTriggersTest {

    private final RevocationTriggers triggers = new RevocationTriggers(true);

    private static Event event(EventType type, String userId, String sessionId, Map<String, String> details) {
        Event e = new Event();
        e.setType(type);
        e.setUserId(userId);
        e.setSessionId(sessionId);
        e.setClientId("app");
        e.setDetails(details);
        return e;
    }

    private static AdminEvent admin(OperationType op, ResourceType resource, String path) {
        AdminEvent e = new AdminEvent();
        e.setOperationType(op);
        e.setResourceType(resource);
        e.setResourcePath(path);
        return e;
    }

    @Test
    void userEvents() {
        assertEquals(Optional.of(new RevocationTrigger.Session("s1", "logout", "u1")),
                triggers.of(event(EventType.LOGOUT, "u1", "s1", Map.of())));
        assertEquals(Optional.of(new RevocationTrigger.UserChangedCredential("u1")),
                triggers.of(event(EventType.UPDATE_PASSWORD, "u1", "s1", Map.of())));
        assertEquals(Optional.of(new RevocationTrigger.ClientGrant("u1", "other", "grant-revoked")),
                triggers.of(event(EventType.REVOKE_GRANT, "u1", null, Map.of("revoked_client", "other"))));
        assertEquals(Optional.of(new RevocationTrigger.Token("jti-1", "token-revoked")),
                triggers.of(event(EventType.REVOKE_GRANT, "u1", null, Map.of("token_id", "jti-1"))));
        assertEquals(Optional.empty(), triggers.of(event(EventType.LOGIN, "u1", "s1", Map.of())));
        assertEquals(Optional.empty(), triggers.of(event(EventType.LOGOUT, "u1", null, Map.of())), "no session, nothing to revoke");
        assertEquals(Optional.empty(), triggers.of(event(null, "u1", "s1", null)));
    }

    @Test
    void credentialChangesCanBeLeftAlone() {
        RevocationTriggers keep = new RevocationTriggers(false);
        assertEquals(Optional.empty(), keep.of(event(EventType.UPDATE_PASSWORD, "u1", "s1", Map.of())));
        assertEquals(Optional.empty(), keep.of(admin(OperationType.ACTION, ResourceType.USER, "users/u1/reset-password")));
    }

    @Test
    void adminEvents() {
        assertEquals(Optional.of(new RevocationTrigger.User("u1", "user-deleted")),
                triggers.of(admin(OperationType.DELETE, ResourceType.USER, "users/u1")));
        assertEquals(Optional.of(new RevocationTrigger.UserIfDisabled("u1")),
                triggers.of(admin(OperationType.UPDATE, ResourceType.USER, "users/u1")));
        assertEquals(Optional.of(new RevocationTrigger.User("u1", "admin-logout-user")),
                triggers.of(admin(OperationType.ACTION, ResourceType.USER, "users/u1/logout")));
        assertEquals(Optional.of(new RevocationTrigger.User("u1", "credential-reset-by-admin")),
                triggers.of(admin(OperationType.ACTION, ResourceType.USER, "users/u1/reset-password")));
        assertEquals(Optional.empty(),
                triggers.of(admin(OperationType.ACTION, ResourceType.USER, "users/u1/reset-password-email")),
                "an email with a link changes nothing yet");
        assertEquals(Optional.of(new RevocationTrigger.ClientGrant("u1", "app", "grant-revoked-by-admin")),
                triggers.of(admin(OperationType.DELETE, ResourceType.USER, "users/u1/consents/app")));
        assertEquals(Optional.of(new RevocationTrigger.ClientGrant("u1", "app", "grant-revoked-by-admin")),
                triggers.of(admin(OperationType.ACTION, ResourceType.USER, "users/u1/consents/app")),
                "what Keycloak 26.7 actually records for the admin's consent revocation");
        assertEquals(Optional.of(new RevocationTrigger.Session("s1", "admin-logout-session")),
                triggers.of(admin(OperationType.DELETE, ResourceType.USER_SESSION, "sessions/s1")));
        assertEquals(Optional.of(new RevocationTrigger.AllUsers("admin-logout-all")),
                triggers.of(admin(OperationType.ACTION, ResourceType.REALM, "logout-all")));
        assertEquals(Optional.empty(), triggers.of(admin(OperationType.CREATE, ResourceType.USER, "users/u1")));
        assertEquals(Optional.empty(), triggers.of(admin(OperationType.UPDATE, ResourceType.USER, "users/u1/groups/g1")));
        assertEquals(Optional.empty(), triggers.of(admin(null, null, null)));
    }

    @Test
    void lockoutAndAccountDeletion() {
        assertEquals(Optional.of(new RevocationTrigger.User("u1", "user-locked-out")),
                triggers.of(event(EventType.USER_DISABLED_BY_PERMANENT_LOCKOUT, "u1", null, Map.of())));
        assertEquals(Optional.of(new RevocationTrigger.User("u1", "account-deleted")),
                triggers.of(event(EventType.DELETE_ACCOUNT, "u1", null, Map.of())));
        assertEquals(Optional.empty(), triggers.of(event(EventType.USER_DISABLED_BY_TEMPORARY_LOCKOUT, "u1", null, Map.of())),
                "a temporary lockout leaves the user's tokens valid in Keycloak too");
    }

    @Test
    void credentialRemovedByAnAdmin() {
        assertEquals(Optional.of(new RevocationTrigger.User("u1", "credential-removed-by-admin")),
                triggers.of(admin(OperationType.ACTION, ResourceType.USER, "users/u1/credentials/c1")),
                "what Keycloak 26.7 records");
        assertEquals(Optional.of(new RevocationTrigger.User("u1", "credential-removed-by-admin")),
                triggers.of(admin(OperationType.DELETE, ResourceType.USER, "users/u1/credentials/c1")));
        assertEquals(Optional.empty(), new RevocationTriggers(false)
                .of(admin(OperationType.DELETE, ResourceType.USER, "users/u1/credentials/c1")));
        assertEquals(Optional.empty(), triggers.of(admin(OperationType.UPDATE, ResourceType.USER, "users/u1/credentials/c1/userLabel")));
    }

    @Test
    void realmAndClientChanges() {
        assertEquals(Optional.of(new RevocationTrigger.RealmChanged()),
                triggers.of(admin(OperationType.UPDATE, ResourceType.REALM, null)), "realm settings saved (Set to now)");
        assertEquals(Optional.of(new RevocationTrigger.RealmChanged()),
                triggers.of(admin(OperationType.UPDATE, ResourceType.REALM, "")));
        assertEquals(Optional.of(new RevocationTrigger.RealmChanged()),
                triggers.of(admin(OperationType.ACTION, ResourceType.REALM, "push-revocation")));
        assertEquals(Optional.of(new RevocationTrigger.ClientChanged("c-uuid", true)),
                triggers.of(admin(OperationType.UPDATE, ResourceType.CLIENT, "clients/c-uuid")));
        assertEquals(Optional.of(new RevocationTrigger.ClientChanged("c-uuid", false)),
                triggers.of(admin(OperationType.CREATE, ResourceType.CLIENT, "clients/c-uuid")));
        assertEquals(Optional.of(new RevocationTrigger.ClientChanged("c-uuid", false)),
                triggers.of(admin(OperationType.ACTION, ResourceType.CLIENT, "clients/c-uuid/push-revocation")));
        assertEquals(Optional.empty(), triggers.of(admin(OperationType.UPDATE, ResourceType.CLIENT_ROLE, "clients/c-uuid/roles/r")));
        assertEquals(Optional.empty(), triggers.of(admin(OperationType.UPDATE, ResourceType.REALM, "localization/en")));
    }
}
