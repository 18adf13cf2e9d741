package io.keycloakguard.authenticators.ratelimit;

import java.util.Locale;

/** What the limiter does with a login while Redis cannot be asked. */
public enum RedisDownAction {
    /** The login goes on without the limit (fail open). */
    ALLOW,
    /** The login is refused with 503 until Redis is back (fail closed). */
    DENY;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
