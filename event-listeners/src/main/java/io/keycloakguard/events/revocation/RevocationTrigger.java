package io.keycloakguard.events.revocation;

/**
 * What a Keycloak event means for the revocation feed. Plain data, so the mapping from events is
 * unit-tested without a server.
 */
sealed interface RevocationTrigger {

    /** @param userId the session's user when the event names it (a logout), else null: then it is looked up */
    record Session(String sessionId, String reason, String userId) implements RevocationTrigger {

        Session(String sessionId, String reason) {
            this(sessionId, reason, null);
        }
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

    /**
     * The realm was updated or its revocation policy pushed: its not-before may have moved ("Set to now"), its
     * token lifetimes may have changed, its event listeners too.
     */
    record RealmChanged() implements RevocationTrigger {
    }

    /**
     * A client was created, updated or its revocation policy pushed: its not-before may have moved, it may have been
     * disabled, its token lifetime may have changed.
     *
     * @param disabledRevokes whether a disabled client revokes its tokens now (an update; not a push)
     */
    record ClientChanged(String clientUuid, boolean disabledRevokes) implements RevocationTrigger {
    }
}
