package io.keycloakguard.revocation.contract;

import org.json.JSONException;
import org.json.JSONObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * One revocation, as Keycloak Guard writes it to Redis (contract v1, see docs/revocation-contract.md): a value of
 * the snapshot hash (JSON) and the fields of a stream entry carry the same names.
 *
 * @param id        unique per revocation; makes delivery idempotent
 * @param realm     realm name
 * @param kind      what is covered
 * @param subject   session id, user id (or {@code *}), token id or client id, by kind
 * @param client    the client id ({@code azp}) for {@link RevocationKind#CLIENT_GRANT}, else null
 * @param time      epoch seconds when it was revoked; for USER, CLIENT_GRANT and CLIENT, tokens issued at or before it
 *                  are revoked
 * @param expiresAt epoch seconds after which no token it covers can still be valid, so it can be forgotten
 * @param reason    why, e.g. {@code logout}, {@code admin-logout-user}, {@code user-disabled}
 */
public record Revocation(String id, String realm, RevocationKind kind, String subject, String client, long time,
                         long expiresAt, String reason) {

    /** The subject of a USER revocation that covers every user of the realm (admin "sign out all", realm not-before). */
    public static final String ALL_USERS = "*";

    public Revocation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        if (kind == RevocationKind.CLIENT_GRANT && (client == null || client.isEmpty())) {
            throw new IllegalArgumentException("a client-grant revocation needs a client");
        }
        reason = reason == null ? "" : reason;
    }

    public static Revocation of(String realm, RevocationKind kind, String subject, String client, long time,
                                long expiresAt, String reason) {
        return new Revocation(UUID.randomUUID().toString(), realm, kind, subject, client, time, expiresAt, reason);
    }

    /** The same revocation under another id and expiry: how the publisher extends a live record (a merge keeps the larger exp). */
    public Revocation extendedTo(long newExpiresAt) {
        return new Revocation(UUID.randomUUID().toString(), realm, kind, subject, client, time, newExpiresAt, reason);
    }

    /** The same revocation in a realm of another name (a renamed realm's records go to its new keys). */
    public Revocation inRealm(String realmName) {
        return realmName.equals(realm) ? this : new Revocation(id, realmName, kind, subject, client, time, expiresAt, reason);
    }

    /** The entry this revocation occupies in the live set: later revocations of the same key merge into it. */
    public String key() {
        return kind == RevocationKind.CLIENT_GRANT
                ? kind.wireName() + ":" + subject + ":" + client
                : kind.wireName() + ":" + subject;
    }

    public String toJson() {
        JSONObject json = new JSONObject();
        json.put("v", ContractRevision.VERSION);
        json.put("id", id);
        json.put("realm", realm);
        json.put("kind", kind.wireName());
        json.put("subject", subject);
        if (client != null) {
            json.put("client", client);
        }
        json.put("time", time);
        json.put("exp", expiresAt);
        json.put("reason", reason);
        return json.toString();
    }

    /** The fields of this revocation's stream entry (all strings, as Redis returns them). */
    public Map<String, String> toFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("v", String.valueOf(ContractRevision.VERSION));
        fields.put("id", id);
        fields.put("realm", realm);
        fields.put("kind", kind.wireName());
        fields.put("subject", subject);
        fields.put("client", client == null ? "" : client);
        fields.put("time", String.valueOf(time));
        fields.put("exp", String.valueOf(expiresAt));
        fields.put("reason", reason);
        return fields;
    }

    /**
     * A value of the snapshot hash.
     *
     * @throws MalformedRevocationException when it is not JSON, or not a revocation this revision can apply
     */
    public static Revocation fromJson(String text) {
        JSONObject json;
        try {
            json = new JSONObject(text);
        } catch (JSONException | NullPointerException e) {
            throw new MalformedRevocationException("not a JSON object", e);
        }
        return parse(key -> json.has(key) && !json.isNull(key) ? json.get(key) : null);
    }

    /**
     * The fields of a stream entry.
     *
     * @throws MalformedRevocationException when a field is missing or malformed, or the version or kind is unknown
     */
    public static Revocation fromFields(Map<String, String> fields) {
        if (fields == null) {
            throw new MalformedRevocationException("no fields");
        }
        return parse(fields::get);
    }

    private static Revocation parse(Function<String, Object> field) {
        Object v = field.apply("v");
        if (v == null || !String.valueOf(ContractRevision.VERSION).equals(v.toString())) {
            throw new MalformedRevocationException("unknown contract version: " + v);
        }
        String kindName = text(field, "kind");
        RevocationKind kind = RevocationKind.fromWireName(kindName)
                .orElseThrow(() -> new MalformedRevocationException("unknown kind: " + kindName));
        String client = field.apply("client") == null ? null : field.apply("client").toString();
        if (client != null && client.isEmpty()) {
            client = null;
        }
        if (kind == RevocationKind.CLIENT_GRANT && client == null) {
            throw new MalformedRevocationException("a client-grant revocation without a client");
        }
        Object reason = field.apply("reason");
        return new Revocation(text(field, "id"), text(field, "realm"), kind, text(field, "subject"), client,
                integer(field, "time"), integer(field, "exp"), reason == null ? "" : reason.toString());
    }

    private static String text(Function<String, Object> field, String name) {
        Object value = field.apply(name);
        if (value == null || value.toString().isEmpty()) {
            throw new MalformedRevocationException("missing field: " + name);
        }
        return value.toString();
    }

    private static long integer(Function<String, Object> field, String name) {
        Object value = field.apply(name);
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        if (value == null) {
            throw new MalformedRevocationException("missing field: " + name);
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new MalformedRevocationException("not an integer: " + name + "=" + value);
        }
    }
}
