package io.keycloakguard.authenticators.devices;

import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.NewCookie;
import org.jboss.logging.Logger;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.managers.AuthenticationManager;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The long-lived device cookie. Each of its entries is {@code <device id>.<HMAC-SHA256>}, signed with the realm's
 * HMAC (HS512) keys over the realm, the <em>user</em> and the device id: an entry proves a device only for the
 * user it was issued to, so a genuine cookie planted in someone else's browser (e.g. from a sibling subdomain)
 * proves nothing there. A browser shared by several users carries one entry per user ({@link DeviceCookieValue}).
 * Any key of the realm verifies, so rotating keys keeps devices known until the old key is removed. Anything
 * malformed or badly signed counts as no cookie.
 */
public final class DeviceCookie {

    public static final String NAME = "KC_GUARD_DEVICE";
    static final int MAX_AGE_SECONDS = 400 * 24 * 3600; // the longest lifetime browsers accept
    private static final Logger LOG = Logger.getLogger(DeviceCookie.class);
    private static volatile boolean warnedNoKey;

    private DeviceCookie() {
    }

    /**
     * The device the browser proves for this user.
     *
     * @param id          the device id
     * @param boundToUser true for an entry signed for this user; false for a cookie of the pack's first format,
     *                    which was bound to the realm only and counts only where the user already knows its id
     */
    public record Claim(String id, boolean boundToUser) {
    }

    /** The device this request's cookie proves for {@code userId}, if any. */
    public static Optional<Claim> verified(KeycloakSession session, RealmModel realm, String userId) {
        DeviceCookieValue value = DeviceCookieValue.parse(cookieValue(session));
        if (value.entries().isEmpty() || userId == null) {
            return Optional.empty();
        }
        List<SecretKey> keys = keys(session, realm);
        return value.claimFor(realm.getId(), userId, keys);
    }

    /** The id of the device this request's cookie proves for the user, bound or not (see {@link Claim}). */
    public static Optional<String> verifiedDeviceId(KeycloakSession session, RealmModel realm, String userId) {
        return verified(session, realm, userId).map(Claim::id);
    }

    public static String newDeviceId() {
        return UUID.randomUUID().toString();
    }

    /**
     * Sets the cookie with this user's entry first, keeping other users' entries of the browser; false when the
     * realm has no HMAC key to sign with.
     */
    public static boolean set(KeycloakSession session, RealmModel realm, String userId, String deviceId) {
        KeyWrapper active;
        try {
            active = session.keys().getActiveKey(realm, KeyUse.SIG, Algorithm.HS512);
        } catch (RuntimeException e) {
            active = null;
        }
        if (active == null || active.getSecretKey() == null) {
            if (!warnedNoKey) {
                warnedNoKey = true;
                LOG.warnf("Realm %s has no active HS512 key; devices cannot be remembered (add an hmac-generated key)",
                        realm.getName());
            }
            return false;
        }
        DeviceCookieValue current = DeviceCookieValue.parse(cookieValue(session));
        String value = current.withEntryFor(realm.getId(), userId, deviceId, active.getSecretKey(), keys(session, realm))
                .toString();
        NewCookie cookie = new NewCookie.Builder(NAME)
                .value(value)
                .path(AuthenticationManager.getRealmCookiePath(realm, session.getContext().getUri()))
                .maxAge(MAX_AGE_SECONDS)
                .httpOnly(true)
                .secure(true)
                .sameSite(NewCookie.SameSite.LAX)
                .build();
        session.getContext().getHttpResponse().setCookieIfAbsent(cookie);
        return true;
    }

    private static String cookieValue(KeycloakSession session) {
        try {
            Map<String, Cookie> cookies = session.getContext().getRequestHeaders().getCookies();
            Cookie cookie = cookies == null ? null : cookies.get(NAME);
            return cookie == null ? null : cookie.getValue();
        } catch (RuntimeException e) {
            return null; // an unparseable Cookie header is no device cookie
        }
    }

    private static List<SecretKey> keys(KeycloakSession session, RealmModel realm) {
        try {
            return session.keys().getKeysStream(realm, KeyUse.SIG, Algorithm.HS512)
                    .map(KeyWrapper::getSecretKey).filter(k -> k != null).toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** The signature of an entry for this user (format 2). */
    static byte[] sign(SecretKey key, String realmId, String userId, String deviceId) {
        return mac(key, "keycloak-guard-device:v2:" + realmId + ":" + userId + ":" + deviceId);
    }

    /** The signature of the first format, bound to the realm only. */
    static byte[] signUnbound(SecretKey key, String realmId, String deviceId) {
        return mac(key, "keycloak-guard-device:v1:" + realmId + ":" + deviceId);
    }

    private static byte[] mac(SecretKey key, String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
