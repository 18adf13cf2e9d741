package io.keycloakguard.authenticators.ratelimit;

import org.keycloak.events.Errors;
import org.keycloak.events.EventType;

import java.util.Set;

/**
 * Which events are failed logins for the rate limit: someone tried credentials and they were wrong (or
 * the account could not log in). Refusals by the pack itself (the rate limit, session limits) are not
 * failed logins, so a blocked address does not extend its own block.
 */
final class CountedFailures {

    static final Set<String> ERRORS = Set.of(
            Errors.INVALID_USER_CREDENTIALS,
            Errors.USER_NOT_FOUND,
            Errors.USER_DISABLED,
            Errors.USER_TEMPORARILY_DISABLED);

    private CountedFailures() {
    }

    static boolean counts(EventType type, String error) {
        return type == EventType.LOGIN_ERROR && error != null && ERRORS.contains(error);
    }
}
