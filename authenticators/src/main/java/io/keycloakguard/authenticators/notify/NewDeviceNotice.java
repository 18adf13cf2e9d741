package io.keycloakguard.authenticators.notify;

/**
 * What the new-device email tells the user about a sign-in.
 *
 * @param browser    browser name (and version) as recognised from the User-Agent, or null when unknown
 * @param os         operating system as recognised from the User-Agent, or null when unknown
 * @param ip         the address Keycloak resolved for the caller, or null when unknown
 * @param timeMillis when the sign-in happened (epoch milliseconds)
 */
public record NewDeviceNotice(String browser, String os, String ip, long timeMillis) {
}
