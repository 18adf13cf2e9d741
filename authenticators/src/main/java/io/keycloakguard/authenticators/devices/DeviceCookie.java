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
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The long-lived device cookie: {@code <device id>.<HMAC-SHA256>} signed with the realm's HMAC (HS512) keys,
 * so a browser cannot claim another device's id. Any key of the realm verifies, so rotating keys keeps
 * devices known until the old key is removed. Anything malformed or badly signed counts as no cookie.
 */
public final class DeviceCookie {

    public static final String NAME = "KC_GUARD_DEVICE";
    static final int MAX_AGE_SECONDS = 400 * 24 * 3600; // the longest lifetime browsers accept
    private static final Pattern VALUE = Pattern.compile("[0-9a-f-]{36}\\.[A-Za-z0-9_-]{43}");
    private static final Logger LOG = Logger.getLogger(DeviceCookie.class);
    private static volatile boolean warnedNoKey;

    private DeviceCookie() {
    }

    /** The device id of a validly signed cookie of this realm in the request, if any. */
    public static Optional<String> verifiedDeviceId(KeycloakSession session, RealmModel realm) {
        String value;
        try {
            Map<String, Cookie> cookies = session.getContext().getRequestHeaders().getCookies();
            Cookie cookie = cookies == null ? null : cookies.get(NAME);
            value = cookie == null ? null : cookie.getValue();
        } catch (RuntimeException e) {
            return Optional.empty(); // an unparseable Cookie header is no device cookie
        }
        if (value == null || !VALUE.matcher(value).matches()) {
            return Optional.empty();
        }
        String deviceId = value.substring(0, 36);
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(value.substring(37));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (SecretKey key : keys(session, realm)) {
            if (MessageDigest.isEqual(signature, sign(key, realm, deviceId))) {
                return Optional.of(deviceId);
            }
        }
        return Optional.empty();
    }

    public static String newDeviceId() {
        return UUID.randomUUID().toString();
    }

    /** Sets the cookie for this device on the response; false when the realm has no HMAC key to sign with. */
    public static boolean set(KeycloakSession session, RealmModel realm, String deviceId) {
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
        String value = deviceId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sign(active.getSecretKey(), realm, deviceId));
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

    private static List<SecretKey> keys(KeycloakSession session, RealmModel realm) {
        try {
            return session.keys().getKeysStream(realm, KeyUse.SIG, Algorithm.HS512)
                    .map(KeyWrapper::getSecretKey).filter(k -> k != null).toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    static byte[] sign(SecretKey key, RealmModel realm, String deviceId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(("keycloak-guard-device:v1:" + realm.getId() + ":" + deviceId).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
