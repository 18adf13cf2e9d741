package io.keycloakguard.authenticators.devices.rest;

import io.keycloakguard.authenticators.devices.DeviceCookie;
import io.keycloakguard.authenticators.devices.KnownDevices;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

import java.util.List;

/**
 * {@code /realms/{realm}/guard-devices}: the signed-in user's own known devices, listed and forgotten with
 * that user's bearer token. Another user's device id answers 404, exactly like an unknown one.
 */
public class DevicesAccountResource {

    private final KeycloakSession session;

    DevicesAccountResource(KeycloakSession session) {
        this.session = session;
    }

    @GET
    @Path("devices")
    @Produces(MediaType.APPLICATION_JSON)
    public List<DeviceView> list() {
        AuthenticationManager.AuthResult auth = authenticate();
        RealmModel realm = session.getContext().getRealm();
        String current = DeviceCookie.verifiedDeviceId(session, realm).orElse(null);
        return KnownDevices.of(session).devicesOf(realm, auth.getUser().getId()).stream()
                .map(d -> DeviceView.of(d, current)).toList();
    }

    @DELETE
    @Path("devices/{id}")
    public Response forget(@PathParam("id") String id) {
        AuthenticationManager.AuthResult auth = authenticate();
        RealmModel realm = session.getContext().getRealm();
        if (id == null || id.length() > 36 || !KnownDevices.of(session).forget(realm, auth.getUser().getId(), id)) {
            throw new NotFoundException();
        }
        return Response.noContent().build();
    }

    private AuthenticationManager.AuthResult authenticate() {
        AuthenticationManager.AuthResult auth = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
        if (auth == null || auth.getUser() == null) {
            throw new NotAuthorizedException("Bearer");
        }
        return auth;
    }
}
