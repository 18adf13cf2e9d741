package io.keycloakguard.sessionlimits.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What the limiter does when a new login would go over the limit. */
public enum ExceedAction {
    /** Refuse the new login; the existing sessions stay. Never counted as a failed login. */
    DENY("deny"),
    /** End the session the user used least recently (smallest last-refresh time), then let the login through. */
    END_LEAST_RECENTLY_ACTIVE("end-least-recently-active"),
    /** End the session that was created first, then let the login through. */
    END_OLDEST("end-oldest"),
    /** Show the user their sessions and let them pick one to sign out, or cancel. Flows without pages deny. */
    LET_USER_CHOOSE("let-user-choose");

    private final String value;

    ExceedAction(String value) {
        this.value = value;
    }

    /** The value stored in the authenticator config. */
    public String value() {
        return value;
    }

    public static Optional<ExceedAction> fromValue(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.value.equals(v)).findFirst();
    }
}
