package io.keycloakguard.revocation;

import io.keycloakguard.revocation.contract.Revocation;

import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live revocations of one realm in memory: {@link #isRevoked} costs a few hash lookups and never
 * touches the network. The rules are those of docs/revocation-contract.md ("When is a token revoked?").
 */
public final class RevocationSet {

    /** Revoked at {@code time} (epoch seconds); forgotten after {@code expiresAt}. */
    private record Entry(long time, long expiresAt) {
        Entry merge(Entry other) {
            return new Entry(Math.max(time, other.time), Math.max(expiresAt, other.expiresAt));
        }
    }

    /** The subject of a USER revocation that covers every user of the realm (admin "sign out all", realm not-before). */
    public static final String ALL_USERS = Revocation.ALL_USERS;

    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final Map<String, Entry> tokens = new ConcurrentHashMap<>();
    private final Map<String, Entry> users = new ConcurrentHashMap<>();
    private final Map<String, Entry> clientGrants = new ConcurrentHashMap<>();
    private final Map<String, Entry> clients = new ConcurrentHashMap<>();

    /** Merges: of two revocations of the same entry the larger time and the larger expiry win. */
    public void apply(Revocation r) {
        Entry entry = new Entry(r.time(), r.expiresAt());
        switch (r.kind()) {
            case SESSION -> sessions.merge(r.subject(), entry, Entry::merge);
            case TOKEN -> tokens.merge(r.subject(), entry, Entry::merge);
            case USER -> users.merge(r.subject(), entry, Entry::merge);
            case CLIENT_GRANT -> clientGrants.merge(grantKey(r.subject(), r.client()), entry, Entry::merge);
            case CLIENT -> clients.merge(r.subject(), entry, Entry::merge);
        }
    }

    /**
     * @param jti token id, or null
     * @param sid session id, or null
     * @param sub subject (user id), or null
     * @param azp authorized party (client id), or null
     * @param iat issued-at, epoch seconds ({@link Long#MIN_VALUE} when the token has none: then any user, grant or
     *            client revocation that matches covers it)
     */
    public boolean isRevoked(String jti, String sid, String sub, String azp, long iat) {
        if (jti != null && tokens.containsKey(jti)) {
            return true;
        }
        if (sid != null && sessions.containsKey(sid)) {
            return true;
        }
        // A token issued in the same second as the revocation counts as revoked: iat has one-second resolution.
        if (!users.isEmpty()) {
            Entry everyone = users.get(ALL_USERS);
            if (everyone != null && iat <= everyone.time()) {
                return true;
            }
            Entry user = sub == null ? null : users.get(sub);
            if (user != null && iat <= user.time()) {
                return true;
            }
        }
        if (azp != null) {
            Entry client = clients.isEmpty() ? null : clients.get(azp);
            if (client != null && iat <= client.time()) {
                return true;
            }
            if (sub != null && !clientGrants.isEmpty()) {
                Entry grant = clientGrants.get(grantKey(sub, azp));
                return grant != null && iat <= grant.time();
            }
        }
        return false;
    }

    /** Reads {@code jti}, {@code sid}, {@code sub}, {@code azp} and {@code iat} from verified JWT claims. */
    public boolean isRevoked(Map<String, ?> claims) {
        return isRevoked(string(claims.get("jti")), string(claims.get("sid")), string(claims.get("sub")),
                string(claims.get("azp")), issuedAt(claims.get("iat")));
    }

    /** Forgets every entry whose expiry is before {@code nowEpochSeconds}. */
    public void removeExpired(long nowEpochSeconds) {
        sessions.values().removeIf(e -> e.expiresAt() < nowEpochSeconds);
        tokens.values().removeIf(e -> e.expiresAt() < nowEpochSeconds);
        users.values().removeIf(e -> e.expiresAt() < nowEpochSeconds);
        clientGrants.values().removeIf(e -> e.expiresAt() < nowEpochSeconds);
        clients.values().removeIf(e -> e.expiresAt() < nowEpochSeconds);
    }

    public int size() {
        return sessions.size() + tokens.size() + users.size() + clientGrants.size() + clients.size();
    }

    static long issuedAt(Object iat) {
        if (iat instanceof Number n) {
            return n.longValue();
        }
        if (iat instanceof Date d) {
            return d.getTime() / 1000;
        }
        return Long.MIN_VALUE;
    }

    private static String grantKey(String sub, String azp) {
        return sub + '\u0000' + azp;
    }

    private static String string(Object o) {
        return o == null ? null : o.toString();
    }
}
