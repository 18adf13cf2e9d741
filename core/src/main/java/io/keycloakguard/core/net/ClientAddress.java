package io.keycloakguard.core.net;

import org.keycloak.common.ClientConnection;
import org.keycloak.models.KeycloakSession;

/**
 * The caller's address as Keycloak resolved it. Keycloak applies its own {@code proxy-headers} and
 * {@code proxy-trusted-addresses} settings before this point; the pack never reads forwarding headers
 * itself, so a header sent by an untrusted peer cannot change what the pack sees.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    /** The resolved address, or {@code "unknown"} when Keycloak has none (never null). */
    public static String of(KeycloakSession session) {
        ClientConnection connection = session.getContext().getConnection();
        String address = connection == null ? null : connection.getRemoteAddr();
        return address == null || address.isBlank() ? "unknown" : address;
    }
}
