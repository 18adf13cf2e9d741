package io.keycloakguard.authenticators.devices.flow;

import java.util.Optional;

/**
 * What "Guard: remember device" leaves for the moment the sign-in completes: the recorder's options and whether
 * the flow has pages (a browser, which gets the device cookie). Kept in the authentication session as a note
 * and as a user-session note (Keycloak clears both when a flow restarts, and copies the latter into the user
 * session it creates when the sign-in completes) and, for a sign-in that completes in the same request, in the
 * request's session.
 *
 * @param userId the user the flow authenticated when the recorder ran
 */
record PendingRecord(String userId, int keepLogins, boolean notifyNewDevice, boolean pages) {

    static final String NOTE = "guard.device.pending";
    private static final String VERSION = "v1";

    String toNote() {
        return String.join(";", VERSION, userId, String.valueOf(keepLogins), String.valueOf(notifyNewDevice),
                String.valueOf(pages));
    }

    /** Empty for anything that is not a note this class wrote. */
    static Optional<PendingRecord> fromNote(String note) {
        if (note == null) {
            return Optional.empty();
        }
        String[] parts = note.split(";", -1);
        if (parts.length != 5 || !VERSION.equals(parts[0]) || parts[1].isEmpty()) {
            return Optional.empty();
        }
        try {
            int keep = Integer.parseInt(parts[2]);
            if (keep < 1 || keep > 1000) {
                return Optional.empty();
            }
            return Optional.of(new PendingRecord(parts[1], keep, Boolean.parseBoolean(parts[3]),
                    Boolean.parseBoolean(parts[4])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
