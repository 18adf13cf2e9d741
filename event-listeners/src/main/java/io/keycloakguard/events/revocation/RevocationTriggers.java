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

/** Maps Keycloak user and admin events to what must be revoked. */
final class RevocationTriggers {

    private static final Pattern USER = Pattern.compile("^users/([^/]+)$");
    private static final Pattern USER_LOGOUT = Pattern.compile("^users/([^/]+)/logout$");
    private static final Pattern USER_RESET_PASSWORD = Pattern.compile("^users/([^/]+)/reset-password(-email)?$");
    private static final Pattern USER_CONSENT = Pattern.compile("^users/([^/]+)/consents/([^/]+)$");
    private static final Pattern SESSION = Pattern.compile("^sessions/([^/]+)$");

    private final boolean revokeOnCredentialChange;

    RevocationTriggers(boolean revokeOnCredentialChange) {
        this.revokeOnCredentialChange = revokeOnCredentialChange;
    }

    Optional<RevocationTrigger> of(Event event) {
        EventType type = event.getType();
        if (type == null) {
            return Optional.empty();
        }
        switch (type) {
            case LOGOUT:
                return Optional.ofNullable(event.getSessionId()).map(sid -> new RevocationTrigger.Session(sid, "logout"));
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
            default:
                return Optional.empty();
        }
    }

    Optional<RevocationTrigger> of(AdminEvent event) {
        String path = event.getResourcePath();
        OperationType op = event.getOperationType();
        ResourceType resource = event.getResourceType();
        if (path == null || op == null) {
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
