package io.keycloakguard.sessionlimits.policy;

/**
 * The limit that applies to one login.
 *
 * @param limit       the number of sessions allowed; 0 = unlimited
 * @param policy      which rule matched, e.g. {@code role:premium}, for events and messages
 * @param clientScope the client id whose sessions are counted when a client rule matched, else null
 *                    (then all of the user's sessions in the realm count)
 */
public record ResolvedLimit(int limit, String policy, String clientScope) {

    public static final ResolvedLimit NONE = new ResolvedLimit(0, "none", null);

    public boolean unlimited() {
        return limit == 0;
    }
}
