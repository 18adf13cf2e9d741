package io.keycloakguard.authenticators.notify;

/**
 * What the new-device email tells the user about a sign-in, and what its "this wasn't me" link forgets.
 *
 * @param browser      browser name (and version) as recognised from the User-Agent, or null when unknown
 * @param os           operating system as recognised from the User-Agent, or null when unknown
 * @param ip           the address Keycloak resolved for the caller, or null when unknown
 * @param timeMillis   when the sign-in happened (epoch milliseconds)
 * @param deviceId     the device first seen in this sign-in (the id its cookie carries)
 * @param newNetwork   the network (as the login history stores it) when this sign-in was its first, else null
 */
public record NewDeviceNotice(String browser, String os, String ip, long timeMillis, String deviceId, String newNetwork) {
}
