package io.keycloakguard.it.foundation;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the pack stored about a realm's users (known devices, login history with IPs) goes with the realm. */
@ExtendWith(KeycloakGuardExtension.class)
class RealmRemovalIT {

    static final String PASSWORD = "Correct-horse-42";
    static final String CLIENT = "removal-app";
    static final String REDIRECT = "http://127.0.0.1:3000/callback";

    /**
     * A realm deleted and restored from its export (same realm id, same user ids, as a backup brings it back) starts
     * with no devices and no login history: the deleted realm's rows were removed with it.
     */
    @Test
    void devicesAndLoginHistoryAreRemovedWithTheRealm(GuardEnvironment env) {
        KeycloakAdmin admin = env.admin();
        String name = "guard-removal-" + UUID.randomUUID().toString().substring(0, 6);
        admin.request().body(Map.of("realm", name, "enabled", true, "sslRequired", "none")).post("/admin/realms")
                .then().statusCode(201);
        String realmId = admin.request().get("/admin/realms/{realm}", name).then().statusCode(200).extract().path("id");
        AuthFlows flows = new AuthFlows(admin, name);
        flows.copy("browser", "removal-browser");
        flows.addRequired("removal-browser forms", "guard-device-recorder");
        flows.createClient(CLIENT, REDIRECT, "removal-browser", null, Map.of());
        String username = KeycloakAdmin.uniqueUsername("removed");
        String userId = admin.createUser(name, username, PASSWORD);

        new BrowserSession(env.baseUrl()).forwardedFor("203.0.113.45").login(name, CLIENT, REDIRECT, username, PASSWORD);
        assertEquals(1, devices(admin, name, userId).size(), "the sign-in made the browser known");
        List<Map<String, Object>> logins = logins(admin, name, userId);
        assertEquals("203.0.113.45", logins.get(0).get("ip"), logins.toString());

        admin.request().delete("/admin/realms/{realm}", name).then().statusCode(204);
        admin.request().body(Map.of("id", realmId, "realm", name, "enabled", true, "sslRequired", "none",
                        "users", List.of(Map.of("id", userId, "username", username, "enabled", true))))
                .post("/admin/realms").then().statusCode(201);
        try {
            assertEquals(realmId, admin.request().get("/admin/realms/{realm}", name).then().statusCode(200)
                    .extract().path("id"), "the realm came back with its id");
            assertEquals(List.of(), devices(admin, name, userId), "the deleted realm's devices are gone");
            assertEquals(List.of(), logins(admin, name, userId), "the deleted realm's login history is gone");
        } finally {
            admin.request().delete("/admin/realms/{realm}", name);
        }
    }

    private static List<Map<String, Object>> devices(KeycloakAdmin admin, String realm, String userId) {
        return admin.request().get("/admin/realms/{realm}/guard-devices/users/{id}/devices", realm, userId)
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    private static List<Map<String, Object>> logins(KeycloakAdmin admin, String realm, String userId) {
        return admin.request().get("/admin/realms/{realm}/guard-devices/users/{id}/logins", realm, userId)
                .then().statusCode(200).extract().jsonPath().getList("");
    }
}
