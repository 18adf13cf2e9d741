package io.keycloakguard.events.revocation;

import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps Keycloak user and admin events to what must be revoked: whatever Keycloak itself then treats as "this token
 * is no longer valid" (its introspection answers inactive).
 */
final class RevocationTriggers {

    private static final Pattern USER = Pattern.compile("^users/([^/]+)$");
    private static final Pattern USER_LOGOUT = Pattern.compile("^users/([^/]+)/logout$");
    private static final Pattern USER_RESET_PASSWORD = Pattern.compile("^users/([^/]+)/reset-password(-email)?$");
    private static final Pattern USER_CREDENTIAL = Pattern.compile("^users/([^/]+)/credentials/([^/]+)$");
    private static final Pattern USER_CONSENT = Pattern.compile("^users/([^/]+)/consents/([^/]+)$");
    private static final Pattern SESSION = Pattern.compile("^sessions/([^/]+)$");
    private static final Pattern CLIENT = Pattern.compile("^clients/([^/]+)$");
    private static final Pattern CLIENT_PUSH_REVOCATION = Pattern.compile("^clients/([^/]+)/push-revocation$");

    private final boolean revokeOnCredentialChange;

    RevocationTriggers(boolean revokeOnCredentialChange) {
        this.revokeOnCredentialChange = revokeOnCredentialChange;
    }

    Optional<RevocationTrigger> of(Event event) {
        EventType type = event.getType();
        if (type == null) {
            return Optional.empty();
        }
        // A switch on the enum is safe on Keycloak versions that lack one of these constants: javac's switch map
        // skips a constant it cannot find, so the case is simply never taken there.
        switch (type) {
            case LOGOUT:
                // Keycloak sends LOGOUT after it removed the session: its user comes with the event.
                return Optional.ofNullable(event.getSessionId())
                        .map(sid -> new RevocationTrigger.Session(sid, "logout", event.getUserId()));
            case UPDATE_PASSWORD:
            case UPDATE_CREDENTIAL:
            case RESET_PASSWORD:
            case REMOVE_CREDENTIAL:
            case REMOVE_TOTP:
                if (!revokeOnCredentialChange || event.getUserId() == null) {
                    return Optional.empty();
                }
                return Optional.of(new RevocationTrigger.UserChangedCredential(event.getUserId()));
            case REVOKE_GRANT:
                return revokedGrant(event);
            case USER_DISABLED_BY_PERMANENT_LOCKOUT:
                return Optional.ofNullable(event.getUserId()).map(id -> new RevocationTrigger.User(id, "user-locked-out"));
            case DELETE_ACCOUNT:
                return Optional.ofNullable(event.getUserId()).map(id -> new RevocationTrigger.User(id, "account-deleted"));
            default:
                return Optional.empty();
        }
    }

    Optional<RevocationTrigger> of(AdminEvent event) {
        String path = event.getResourcePath();
        OperationType op = event.getOperationType();
        ResourceType resource = event.getResourceType();
        if (op == null) {
            return Optional.empty();
        }
        if (resource == ResourceType.REALM && op == OperationType.UPDATE && (path == null || path.isEmpty())) {
            return Optional.of(new RevocationTrigger.RealmChanged());
        }
        if (path == null) {
            return Optional.empty();
        }
        Matcher m;
        if (op == OperationType.DELETE && (m = USER.matcher(path)).matches()) {
            return Optional.of(new RevocationTrigger.User(m.group(1), "user-deleted"));
        }
        if (op == OperationType.UPDATE && (m = USER.matcher(path)).matches()) {
            return Optional.of(new RevocationTrigger.UserIfDisabled(m.group(1)));
        }
        if ((m = USER_LOGOUT.matcher(path)).matches()) {
            return Optional.of(new RevocationTrigger.User(m.group(1), "admin-logout-user"));
        }
        if (revokeOnCredentialChange && (m = USER_RESET_PASSWORD.matcher(path)).matches() && m.group(2) == null) {
            return Optional.of(new RevocationTrigger.User(m.group(1), "credential-reset-by-admin"));
        }
        // Keycloak records an admin's credential removal as ACTION on the credential's path.
        if (revokeOnCredentialChange && (op == OperationType.DELETE || op == OperationType.ACTION)
                && (m = USER_CREDENTIAL.matcher(path)).matches()) {
            return Optional.of(new RevocationTrigger.User(m.group(1), "credential-removed-by-admin"));
        }
        // Keycloak 26.7 records the admin's consent revocation as ACTION, not DELETE.
        if ((op == OperationType.DELETE || op == OperationType.ACTION) && (m = USER_CONSENT.matcher(path)).matches()) {
            return Optional.of(new RevocationTrigger.ClientGrant(m.group(1), m.group(2), "grant-revoked-by-admin"));
        }
        if (op == OperationType.DELETE && (m = SESSION.matcher(path)).matches()) {
            return Optional.of(new RevocationTrigger.Session(m.group(1), "admin-logout-session"));
        }
        if (resource == ResourceType.REALM && path.equals("logout-all")) {
            return Optional.of(new RevocationTrigger.AllUsers("admin-logout-all"));
        }
        if (op == OperationType.ACTION && (path.equals("push-revocation") || path.endsWith("/push-revocation")
                && !path.startsWith("clients/"))) {
            return Optional.of(new RevocationTrigger.RealmChanged());
        }
        if (op == OperationType.ACTION && (m = CLIENT_PUSH_REVOCATION.matcher(path)).matches()) {
            return Optional.of(new RevocationTrigger.ClientChanged(m.group(1), false));
        }
        if ((op == OperationType.UPDATE || op == OperationType.CREATE) && resource == ResourceType.CLIENT
                && (m = CLIENT.matcher(path)).matches()) {
            return Optional.of(new RevocationTrigger.ClientChanged(m.group(1), op == OperationType.UPDATE));
        }
        return Optional.empty();
    }

    /**
     * REVOKE_GRANT comes from the account console (detail revoked_client) and from the RFC 7009 endpoint:
     * for an access token with its jti (token_id), for a refresh token with refresh_token_id, which ends
     * the user's grant for the calling client.
     */
    private static Optional<RevocationTrigger> revokedGrant(Event event) {
        String revokedClient = detail(event, "revoked_client");
        if (revokedClient != null && event.getUserId() != null) {
            return Optional.of(new RevocationTrigger.ClientGrant(event.getUserId(), revokedClient, "grant-revoked"));
        }
        String tokenId = detail(event, "token_id");
        if (tokenId != null) {
            return Optional.of(new RevocationTrigger.Token(tokenId, "token-revoked"));
        }
        if (detail(event, "refresh_token_id") != null && event.getUserId() != null && event.getClientId() != null) {
            return Optional.of(new RevocationTrigger.ClientGrant(event.getUserId(), event.getClientId(), "refresh-token-revoked"));
        }
        return Optional.empty();
    }

    private static String detail(Event event, String key) {
        Map<String, String> details = event.getDetails();
        return details == null ? null : details.get(key);
    }
}
