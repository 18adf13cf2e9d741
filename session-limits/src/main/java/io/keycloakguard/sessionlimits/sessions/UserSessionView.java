package io.keycloakguard.sessionlimits.sessions;

import java.util.List;

/**
 * One of a user's sessions as the chooser page and the account endpoint show it.
 *
 * @param started    epoch seconds
 * @param lastActive epoch seconds
 * @param clients    the client ids used in the session
 */
public record UserSessionView(String id, String browser, String os, String device, String ipAddress, long started,
                              long lastActive, List<String> clients, boolean offline, boolean current) {
}
