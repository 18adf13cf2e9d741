package io.keycloakguard.authenticators.devices;

import io.keycloakguard.core.net.ClientAddress;
import io.keycloakguard.core.net.IpAddresses;
import org.keycloak.device.DeviceRepresentationProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.account.DeviceRepresentation;

import java.util.Optional;

/** Collects the facts of the current request: signed device id, browser and OS family, resolved client address. */
public final class CurrentLogin {

    /** The network stored with a login and shown to users and admins; the condition compares at its own prefix. */
    public static final int STORED_IPV4_PREFIX = 24;
    public static final int STORED_IPV6_PREFIX = 64;

    private CurrentLogin() {
    }

    /**
     * The facts of this request's sign-in of {@code userId}; the device only when the cookie proves it for that user.
     * Read once per request and user (user agent, cookie, address do not change within a request); the time is
     * taken at each call.
     */
    public static LoginFacts facts(KeycloakSession session, RealmModel realm, String userId, String clientId) {
        String attribute = CurrentLogin.class.getName() + "/" + realm.getId() + "/" + userId;
        LoginFacts read = session.getAttribute(attribute, LoginFacts.class);
        if (read == null) {
            read = read(session, realm, userId);
            session.setAttribute(attribute, read);
        }
        return new LoginFacts(read.deviceId(), read.browser(), read.os(), read.ip(), read.network(), clientId,
                System.currentTimeMillis(), read.deviceBound());
    }

    private static LoginFacts read(KeycloakSession session, RealmModel realm, String userId) {
        String ip = ClientAddress.of(session);
        String browser = null;
        String os = null;
        try {
            // Keycloak's own parser (ua-parser); it ignores user agents over 512 characters.
            DeviceRepresentation device = session.getProvider(DeviceRepresentationProvider.class).deviceRepresentation();
            if (device != null) {
                browser = clean(device.getBrowser());
                os = clean(device.getOsVersion() == null || "Unknown".equals(device.getOsVersion())
                        ? device.getOs() : device.getOs() + " " + device.getOsVersion());
            }
        } catch (RuntimeException e) {
            // An unparseable user agent is an unknown browser, never a failed login.
        }
        Optional<DeviceCookie.Claim> device = DeviceCookie.verified(session, realm, userId);
        return new LoginFacts(device.map(DeviceCookie.Claim::id).orElse(null),
                browser == null ? "Other" : browser, os == null ? "Other" : os, ip,
                IpAddresses.networkOf(ip, STORED_IPV4_PREFIX, STORED_IPV6_PREFIX), null, 0L,
                device.map(DeviceCookie.Claim::boundToUser).orElse(false));
    }

    /** Printable text of at most 64 characters. */
    static String clean(String text) {
        if (text == null) {
            return null;
        }
        String printable = text.replaceAll("[^\\p{L}\\p{N} ._/()+-]", "").trim();
        if (printable.isEmpty()) {
            return null;
        }
        return printable.length() > 64 ? printable.substring(0, 64) : printable;
    }
}
