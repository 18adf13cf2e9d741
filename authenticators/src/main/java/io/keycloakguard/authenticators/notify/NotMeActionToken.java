package io.keycloakguard.authenticators.notify;

import org.keycloak.authentication.actiontoken.DefaultActionToken;

import java.util.UUID;

/**
 * The "this wasn't me" link of the new-device email: signed by the realm like Keycloak's own email links,
 * bound to the user only (not to the email address or a client, which the intruder may have changed).
 */
public class NotMeActionToken extends DefaultActionToken {

    public static final String TOKEN_TYPE = "guard-not-me";

    public NotMeActionToken(String userId, int absoluteExpirationInSecs) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, UUID.randomUUID());
    }

    /** For Keycloak's token parser. */
    private NotMeActionToken() {
    }
}
