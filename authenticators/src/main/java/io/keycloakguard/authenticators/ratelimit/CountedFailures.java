package io.keycloakguard.authenticators.ratelimit;

import org.keycloak.events.Errors;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;

import java.util.Map;
import java.util.Set;

/**
 * Which events are failed logins for the rate limit: someone tried credentials and they were wrong (or
 * the account could not log in). Refusals by the pack itself (the rate limit, session limits) are not
 * failed logins, so a blocked address does not extend its own block; the one exception is an IP-policy denial
 * that answered as a wrong password would (after the password step), which must count like one, or the
 * moment the limit strikes would tell the attacker which password was right.
 */
final class CountedFailures {

    static final Set<String> ERRORS = Set.of(
            Errors.INVALID_USER_CREDENTIALS,
            Errors.USER_NOT_FOUND,
            Errors.USER_DISABLED,
            Errors.USER_TEMPORARILY_DISABLED);

    /** Written by guard-ip-policy (IpPolicyAuthenticator) on a denial answered as a wrong password. */
    static final String IP_DENIED = "guard_ip_denied";
    static final String ANSWERED_AS = "answered_as";

    private CountedFailures() {
    }

    static boolean counts(Event event) {
        return counts(event.getType(), event.getError(), event.getDetails());
    }

    static boolean counts(EventType type, String error) {
        return counts(type, error, null);
    }

    static boolean counts(EventType type, String error, Map<String, String> details) {
        if (type != EventType.LOGIN_ERROR || error == null) {
            return false;
        }
        return ERRORS.contains(error) || IP_DENIED.equals(error) && details != null
                && Errors.INVALID_USER_CREDENTIALS.equals(details.get(ANSWERED_AS));
    }
}
