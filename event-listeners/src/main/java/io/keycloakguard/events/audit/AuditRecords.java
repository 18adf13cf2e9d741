package io.keycloakguard.events.audit;

import io.keycloakguard.core.audit.GuardSignals;
import io.keycloakguard.core.audit.AuditSignals;
import io.keycloakguard.core.net.IpAddresses;
import org.keycloak.events.Event;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns Keycloak events into audit records (schema v1, docs/audit.md), privacy options applied. Absent
 * values are left out rather than written as null. Pure: everything it needs from the request is passed in.
 */
final class AuditRecords {

    /** The event detail through which the pack's features name a security signal. */

    private final AuditSettings settings;

    AuditRecords(AuditSettings settings) {
        this.settings = settings;
    }

    Map<String, Object> of(Event event, String username, String userAgent, byte[] usernameKey) {
        Map<String, Object> r = base("user", event.getId(), event.getTime(), event.getRealmId(), event.getRealmName());
        r.put("type", event.getType().name());
        r.put("outcome", event.getError() == null ? "success" : "error");
        put(r, "error", event.getError());
        put(r, "userId", event.getUserId());
        put(r, "username", username(username, usernameKey));
        put(r, "clientId", event.getClientId());
        put(r, "sessionId", event.getSessionId());
        put(r, "ip", ip(event.getIpAddress()));
        if (!settings.dropUserAgent()) {
            put(r, "userAgent", UserAgentFamily.of(userAgent));
        }
        r.put("details", details(event.getDetails(), usernameKey));
        signal(event.getDetails()).ifPresent(s -> r.put("signal", s));
        return r;
    }

    Map<String, Object> of(AdminEvent event, String userAgent) {
        return of(event, userAgent, null);
    }

    /** An admin event; {@code usernameKey} is the realm's key for hash-usernames (null when it is off). */
    Map<String, Object> of(AdminEvent event, String userAgent, byte[] usernameKey) {
        Map<String, Object> r = base("admin", event.getId(), event.getTime(), event.getRealmId(), event.getRealmName());
        r.put("type", "ADMIN_" + event.getOperationType().name());
        r.put("outcome", event.getError() == null ? "success" : "error");
        put(r, "error", event.getError());
        AuthDetails auth = event.getAuthDetails();
        if (auth != null) {
            put(r, "userId", auth.getUserId());
            put(r, "clientId", auth.getClientId());
            put(r, "authRealmId", auth.getRealmId());
            put(r, "ip", ip(auth.getIpAddress()));
        }
        if (!settings.dropUserAgent()) {
            put(r, "userAgent", UserAgentFamily.of(userAgent));
        }
        r.put("operation", event.getOperationType().name());
        put(r, "resourceType", event.getResourceTypeAsString());
        put(r, "resourcePath", event.getResourcePath());
        if (settings.includeRepresentation()) {
            put(r, "representation", Representations.scrub(event.getRepresentation(),
                    (key, value) -> personal(key, value, usernameKey)));
        }
        r.put("details", details(event.getDetails(), usernameKey));
        return r;
    }

    /** The event's details without secrets, the privacy options applied to every one that holds personal data. */
    private Map<String, Object> details(Map<String, String> raw, byte[] usernameKey) {
        Map<String, Object> details = new TreeMap<>();
        if (raw != null) {
            raw.forEach((k, v) -> {
                if (k != null && v != null && !Representations.isSecret(k)) {
                    details.put(k, personal(k, v, usernameKey));
                }
            });
        }
        return details;
    }

    /**
     * A value as the privacy options record it: an address truncated (truncate-ip), an identity of the user (user
     * name, e-mail address, names, …: {@link PersonalData}) hashed like the user name (hash-usernames).
     */
    private String personal(String key, String value, byte[] usernameKey) {
        if (PersonalData.isAddress(key)) {
            return settings.truncateIp() ? ip(value) : value;
        }
        if (PersonalData.isIdentity(key) && usernameKey != null) {
            return username(value, usernameKey);
        }
        return value;
    }

    /** A pack signal named by the {@code guard_event} detail or the device recorder's flags. */
    static java.util.Optional<String> signal(Map<String, String> details) {
        if (details == null) {
            return java.util.Optional.empty();
        }
        if (details.get(GuardSignals.EVENT_DETAIL) != null) {
            return java.util.Optional.of(details.get(GuardSignals.EVENT_DETAIL));
        }
        if ("true".equals(details.get("guard_new_device"))) {
            return java.util.Optional.of("device.new");
        }
        if ("true".equals(details.get("guard_new_network"))) {
            return java.util.Optional.of("network.new");
        }
        return java.util.Optional.empty();
    }

    private static Map<String, Object> base(String kind, String id, long time, String realmId, String realmName) {
        Map<String, Object> r = new TreeMap<>();
        r.put("v", (long) AuditSignals.SCHEMA_VERSION);
        r.put("kind", kind);
        put(r, "eventId", id);
        r.put("time", time);
        r.put("realmId", realmId);
        put(r, "realm", realmName);
        return r;
    }

    String ip(String ip) {
        if (ip == null || ip.isBlank()) {
            return null;
        }
        return settings.truncateIp() ? IpAddresses.networkOf(ip, 24, 48) : ip;
    }

    String username(String username, byte[] key) {
        if (username == null || !settings.hashUsernames()) {
            return username;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return "hmac:" + HexFormat.of().formatHex(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(Map<String, Object> r, String key, String value) {
        if (value != null) {
            r.put(key, value);
        }
    }
}
