package io.keycloakguard.events.revocation;

/**
 * What a Keycloak event means for the revocation feed. Plain data, so the mapping from events is
 * unit-tested without a server.
 */
sealed interface RevocationTrigger {

    record Session(String sessionId, String reason) implements RevocationTrigger {
    }

    record User(String userId, String reason) implements RevocationTrigger {
    }

    /** The user changed a credential inside a login flow: the token issued right after must stay valid. */
    record UserChangedCredential(String userId) implements RevocationTrigger {
    }

    /** Only if the user is now disabled (admin updates that leave the user enabled revoke nothing). */
    record UserIfDisabled(String userId) implements RevocationTrigger {
    }

    record ClientGrant(String userId, String clientId, String reason) implements RevocationTrigger {
    }

    record AllUsers(String reason) implements RevocationTrigger {
    }

    /** One access token, by its jti (RFC 7009 revocation of an access token). */
    record Token(String tokenId, String reason) implements RevocationTrigger {
    }
}
