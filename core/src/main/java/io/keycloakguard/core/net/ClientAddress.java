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
        if (connection == null) {
            return "unknown";
        }
        String address = connection.getRemoteAddr();
        if (address == null || address.isBlank()) {
            // A forwarded IPv6 address in brackets ("[2001:db8::7]") has no resolved form in Vert.x, only the
            // host as the trusted proxy wrote it, which is what Keycloak puts in its events.
            String host = connection.getRemoteHost();
            address = IpAddresses.parse(host).isPresent() ? host : null;
        }
        return address == null || address.isBlank() ? "unknown" : address;
    }
}
