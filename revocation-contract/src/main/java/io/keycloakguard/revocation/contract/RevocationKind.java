package io.keycloakguard.revocation.contract;

import java.util.Locale;
import java.util.Optional;

/** What a revocation covers, and from which revision of the contract a reader must know the kind. */
public enum RevocationKind {
    /** Every token of one user session: subject is the session id ({@code sid} claim). */
    SESSION(1),
    /** Every token issued to a user up to {@code time}: subject is the user id ({@code sub}), or {@code *} for all users. */
    USER(1),
    /** Every token issued to a user for one client up to {@code time}: subject is the user id, client the {@code azp}. */
    CLIENT_GRANT(1),
    /** One token: subject is its {@code jti}. */
    TOKEN(1),
    /** Every token issued to one client up to {@code time}, whoever the user (a client's not-before): subject is the {@code azp}. */
    CLIENT(2);

    private final int sinceRevision;

    RevocationKind(int sinceRevision) {
        this.sinceRevision = sinceRevision;
    }

    /** The revision of the contract that introduced this kind; a reader of an older revision skips it. */
    public int sinceRevision() {
        return sinceRevision;
    }

    /** The name in the Redis contract: {@code session}, {@code user}, {@code client-grant}, {@code token}, {@code client}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The kind of a wire name; empty for a name this revision does not know (a reader skips such entries). */
    public static Optional<RevocationKind> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (RevocationKind kind : values()) {
            if (kind.wireName().equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
