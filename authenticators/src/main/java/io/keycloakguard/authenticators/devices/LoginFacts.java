package io.keycloakguard.authenticators.devices;

/**
 * What the pack knows about the browser and network of a sign-in.
 *
 * @param deviceId    the id from a valid device cookie, or null when the browser sent none (or a bad one)
 * @param ip          the address Keycloak resolved for the caller
 * @param network     that address's network at the stored default prefix (/24, /64)
 * @param deviceBound whether the cookie's entry was signed for this user (see {@link DeviceCookie.Claim})
 */
public record LoginFacts(String deviceId, String browser, String os, String ip, String network, String clientId,
                         long timeMillis, boolean deviceBound) {

    /** The same sign-in with another device id (a new one, or none), which this user's cookie entry will carry. */
    public LoginFacts withDevice(String id) {
        return new LoginFacts(id, browser, os, ip, network, clientId, timeMillis, id != null);
    }
}
