package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.config.LabelledChoice;

import java.util.Locale;

/** What the limiter does with a login while Redis cannot be asked. */
public enum RedisDownAction implements LabelledChoice {
    /** The login goes on without the limit (fail open). */
    ALLOW("Allow logins without the limit"),
    /** The login is refused with 503 until Redis is back (fail closed). */
    DENY("Refuse logins (HTTP 503)");

    private final String label;

    RedisDownAction(String label) {
        this.label = label;
    }

    /** The short id configs written before the console showed labels store (still read). */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What the console shows and stores. */
    @Override
    public String label() {
        return label;
    }
}
