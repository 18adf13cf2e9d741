package io.keycloakguard.revocation;

import org.json.JSONObject;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One revocation, as Keycloak Guard writes it to Redis (contract v1, see docs/revocation-contract.md).
 *
 * @param id        unique per revocation; makes delivery idempotent
 * @param realm     realm name
 * @param kind      what is covered
 * @param subject   session id, user id or token id, by kind
 * @param client    the client id ({@code azp}) for {@link RevocationKind#CLIENT_GRANT}, else null
 * @param time      epoch seconds when it was revoked; for USER and CLIENT_GRANT tokens issued at or before it are revoked
 * @param expiresAt epoch seconds after which no token it covers can still be valid, so it can be forgotten
 * @param reason    why, e.g. {@code logout}, {@code admin-logout}, {@code user-disabled}
 */
public record Revocation(String id, String realm, RevocationKind kind, String subject, String client, long time,
                         long expiresAt, String reason) {

    public static final int CONTRACT_VERSION = 1;

    public Revocation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        if (kind == RevocationKind.CLIENT_GRANT && client == null) {
            throw new IllegalArgumentException("a client-grant revocation needs a client");
        }
    }

    public static Revocation of(String realm, RevocationKind kind, String subject, String client, long time,
                                long expiresAt, String reason) {
        return new Revocation(UUID.randomUUID().toString(), realm, kind, subject, client, time, expiresAt, reason);
    }

    /** The entry this revocation occupies in the live set: later revocations of the same key merge into it. */
    public String key() {
        return kind == RevocationKind.CLIENT_GRANT
                ? kind.wireName() + ":" + subject + ":" + client
                : kind.wireName() + ":" + subject;
    }

    public String toJson() {
        JSONObject json = new JSONObject();
        json.put("v", CONTRACT_VERSION);
        json.put("id", id);
        json.put("realm", realm);
        json.put("kind", kind.wireName());
        json.put("subject", subject);
        if (client != null) {
            json.put("client", client);
        }
        json.put("time", time);
        json.put("exp", expiresAt);
        json.put("reason", reason == null ? "" : reason);
        return json.toString();
    }

    public static Revocation fromJson(String text) {
        JSONObject json = new JSONObject(text);
        return new Revocation(json.getString("id"), json.getString("realm"),
                RevocationKind.fromWireName(json.getString("kind")), json.getString("subject"),
                json.optString("client", null), json.getLong("time"), json.getLong("exp"),
                json.optString("reason", ""));
    }

    /** From the fields of a stream entry. */
    public static Revocation fromFields(Map<String, String> fields) {
        return new Revocation(fields.get("id"), fields.get("realm"), RevocationKind.fromWireName(fields.get("kind")),
                fields.get("subject"), emptyToNull(fields.get("client")), Long.parseLong(fields.get("time")),
                Long.parseLong(fields.get("exp")), fields.getOrDefault("reason", ""));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
