package io.keycloakguard.authenticators.devices.rest;

import io.keycloakguard.authenticators.devices.DeviceCookie;
import io.keycloakguard.authenticators.devices.KnownDevices;
import io.keycloakguard.core.account.AccountAccess;
import io.keycloakguard.core.rest.RequestInputs;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.List;

/**
 * {@code /realms/{realm}/guard-devices}: the signed-in user's own known devices, listed and forgotten with
 * that user's bearer token. Another user's device id answers 404, exactly like an unknown one. The token needs
 * what Keycloak's own account API needs ({@link AccountAccess}): the {@code account} audience, and
 * {@code view-profile} or {@code manage-account} to list, {@code manage-account} to forget.
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
        AccountAccess auth = AccountAccess.authenticate(session).requireView();
        RealmModel realm = session.getContext().getRealm();
        String current = DeviceCookie.verifiedDeviceId(session, realm, auth.user().getId()).orElse(null);
        return KnownDevices.of(session).devicesOf(realm, auth.user().getId()).stream()
                .map(d -> DeviceView.of(d, current)).toList();
    }

    @DELETE
    @Path("devices/{id}")
    public Response forget(@PathParam("id") String id) {
        AccountAccess auth = AccountAccess.authenticate(session).requireManage();
        RealmModel realm = session.getContext().getRealm();
        if (!RequestInputs.isLookupable(id, 36) || !KnownDevices.of(session).forget(realm, auth.user().getId(), id)) {
            throw new NotFoundException();
        }
        return Response.noContent().build();
    }
}
