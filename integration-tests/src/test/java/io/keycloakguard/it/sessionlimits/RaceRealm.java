package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.KeycloakAdmin;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A realm for the race tests, without brute-force detection: Keycloak 26.7 itself locks a user out when
 * many password logins of that user arrive within its quick-login window, whatever the pack does.
 */
final class RaceRealm {

    private RaceRealm() {
    }

    static String create(KeycloakAdmin admin) {
        String name = "guard-race-" + UUID.randomUUID().toString().substring(0, 6);
        admin.request().body(Map.of("realm", name, "enabled", true, "bruteForceProtected", false))
                .post("/admin/realms").then().statusCode(201);
        return name;
    }

    static List<Object> sessionIds(KeycloakAdmin admin, String realm, String userId) {
        return admin.request().get("/admin/realms/{realm}/users/{id}/sessions", realm, userId)
                .then().statusCode(200).extract().jsonPath().getList("id");
    }
}
