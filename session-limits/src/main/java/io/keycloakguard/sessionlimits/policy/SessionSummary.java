package io.keycloakguard.sessionlimits.policy;

/**
 * What the limiter knows of one of the user's sessions.
 *
 * @param started    creation time, epoch seconds
 * @param lastActive last refresh (login, token refresh, SSO re-entry), epoch seconds
 */
public record SessionSummary(String id, long started, long lastActive, boolean offline) {
}
