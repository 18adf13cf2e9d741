package io.keycloakguard.sessionlimits.config;

import io.keycloakguard.core.config.LabelledChoice;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What the limiter does when a new login would go over the limit. */
public enum ExceedAction implements LabelledChoice {
    /** Refuse the new login; the existing sessions stay. Never counted as a failed login. */
    DENY("deny", "Deny new session"),
    /** End the session the user used least recently (smallest last-refresh time), then let the login through. */
    END_LEAST_RECENTLY_ACTIVE("end-least-recently-active", "End the least recently active session"),
    /** End the session that was created first, then let the login through. */
    END_OLDEST("end-oldest", "End the oldest session"),
    /** Show the user their sessions and let them pick one to sign out, or cancel. Flows without pages deny. */
    LET_USER_CHOOSE("let-user-choose", "Let the user choose a session to end");

    private final String value;
    private final String label;

    ExceedAction(String value, String label) {
        this.value = value;
        this.label = label;
    }

    /** The short id, as configs written before the console showed labels store it (still accepted). */
    public String value() {
        return value;
    }

    /**
     * What the console's choice shows and stores: Keycloak's LIST_TYPE has no separate option labels (26.4 to 26.7),
     * so the stored value is the words an admin reads, as Keycloak's own session limiter does ("Deny new session").
     */
    @Override
    public String label() {
        return label;
    }

    /** The action for a stored value: its label or its short id, in any case. */
    public static Optional<ExceedAction> fromValue(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(a -> a.value.equals(v) || a.label.toLowerCase(Locale.ROOT).equals(v))
                .findFirst();
    }
}
