package io.keycloakguard.authenticators.network.binding;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What the network binding does when a refresh or userinfo call comes from another network than the session. */
public enum BindingMode {
    /** Record the mismatch and let the call through. */
    LOG("log", "logged"),
    /** Refuse the call; the session stays, so the user on the session's network carries on. */
    REJECT("reject", "rejected"),
    /** Refuse the call and end the session (back-channel logout and revocation). */
    END_SESSION("end-session", "session-ended");

    private final String value;
    private final String action;

    BindingMode(String value, String action) {
        this.value = value;
        this.action = action;
    }

    /** As the admin writes it in the config. */
    public String value() {
        return value;
    }

    /** The {@code action} detail of the mismatch event. */
    public String action() {
        return action;
    }

    public static Optional<BindingMode> fromValue(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.value.equals(v)).findFirst();
    }
}
