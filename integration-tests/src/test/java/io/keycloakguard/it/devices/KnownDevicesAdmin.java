package io.keycloakguard.it.devices;

import io.keycloakguard.it.harness.KeycloakAdmin;

import java.util.List;
import java.util.Map;

/** A user's known devices and login history through the pack's admin endpoints, for tests of any package. */
public final class KnownDevicesAdmin {

    private KnownDevicesAdmin() {
    }

    public static List<Map<String, Object>> devices(KeycloakAdmin admin, String realm, String userId) {
        return admin.request().get("/admin/realms/{realm}/guard-devices/users/{id}/devices", realm, userId)
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    /** Newest first. */
    public static List<Map<String, Object>> logins(KeycloakAdmin admin, String realm, String userId) {
        return admin.request().get("/admin/realms/{realm}/guard-devices/users/{id}/logins", realm, userId)
                .then().statusCode(200).extract().jsonPath().getList("");
    }
}
