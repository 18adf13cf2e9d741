package io.keycloakguard.authenticators.devices.rest;

import io.keycloakguard.authenticators.devices.KnownDevices;
import io.keycloakguard.core.rest.RequestInputs;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.List;

/**
 * {@code /admin/realms/{realm}/guard-devices/users/{userId}/…}: a user's known devices and login history for
 * admins. Reading needs permission to view the user ({@code view-users}), forgetting a device to manage it.
 */
public class DevicesAdminResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    DevicesAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    @GET
    @Path("users/{userId}/devices")
    @Produces(MediaType.APPLICATION_JSON)
    public List<DeviceView> devices(@PathParam("userId") String userId) {
        UserModel user = user(userId);
        auth.users().requireView(user);
        return KnownDevices.of(session).devicesOf(realm, user.getId()).stream().map(d -> DeviceView.of(d, null)).toList();
    }

    @GET
    @Path("users/{userId}/logins")
    @Produces(MediaType.APPLICATION_JSON)
    public List<LoginView> logins(@PathParam("userId") String userId, @QueryParam("max") String max) {
        UserModel user = user(userId);
        auth.users().requireView(user);
        // At most 1000 of the newest sign-ins; a value that is not a whole number is a 400, a larger one is 1000.
        long most = Math.min(1000, RequestInputs.number("max", max, 100, 0, Long.MAX_VALUE));
        return KnownDevices.of(session).historyOf(realm, user.getId(), (int) Math.max(1, most)).stream()
                .map(LoginView::of).toList();
    }

    @DELETE
    @Path("users/{userId}/devices/{id}")
    public Response forget(@PathParam("userId") String userId, @PathParam("id") String id) {
        UserModel user = user(userId);
        auth.users().requireManage(user);
        if (!RequestInputs.isLookupable(id, 36) || !KnownDevices.of(session).forget(realm, user.getId(), id)) {
            throw new NotFoundException("No such device of this user");
        }
        adminEvent.operation(OperationType.DELETE).resource(ResourceType.USER)
                .resourcePath("users", user.getId(), "guard-devices", id).success();
        return Response.noContent().build();
    }

    private UserModel user(String userId) {
        UserModel user = RequestInputs.isLookupable(userId, 255) ? session.users().getUserById(realm, userId) : null;
        if (user == null) {
            // Same answer whether the user does not exist or the caller may not know: checked after lookup.
            auth.users().requireQuery();
            throw new NotFoundException("User not found");
        }
        return user;
    }
}
