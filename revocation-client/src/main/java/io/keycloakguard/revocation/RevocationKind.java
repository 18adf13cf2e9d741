package io.keycloakguard.revocation;

import java.util.Locale;

/** What a revocation covers. */
public enum RevocationKind {
    /** Every token of one user session: subject is the session id ({@code sid} claim). */
    SESSION,
    /** Every token issued to a user up to {@code time}: subject is the user id ({@code sub}). */
    USER,
    /** Every token issued to a user for one client up to {@code time}: subject is the user id, client the {@code azp}. */
    CLIENT_GRANT,
    /** One token: subject is its {@code jti}. */
    TOKEN;

    /** The name in the Redis contract: {@code session}, {@code user}, {@code client-grant}, {@code token}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static RevocationKind fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
