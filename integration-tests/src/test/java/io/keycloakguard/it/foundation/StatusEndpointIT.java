package io.keycloakguard.it.foundation;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class StatusEndpointIT {

    static final String REALM = "guard-demo";

    static String statusUrl(GuardEnvironment env) {
        return env.baseUrl() + "/admin/realms/" + REALM + "/guard/status";
    }

    @Test
    void withoutATokenIs401(GuardEnvironment env) {
        given().get(statusUrl(env)).then().statusCode(401);
    }

    @Test
    void withoutViewRealmIs403(GuardEnvironment env) {
        String username = KeycloakAdmin.uniqueUsername("no-view-realm");
        env.admin().createUser(REALM, username, "Correct-horse-42");
        String token = (String) Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", username, "Correct-horse-42")
                .get("access_token");
        given().auth().oauth2(token).get(statusUrl(env)).then().statusCode(403);
    }

    @Test
    void realmAdminWithViewRealmSeesVersionProvidersAndRedis(GuardEnvironment env) {
        String username = KeycloakAdmin.uniqueUsername("view-realm");
        String userId = env.admin().createUser(REALM, username, "Correct-horse-42");
        env.admin().grantClientRole(REALM, userId, "realm-management", "view-realm");
        String token = (String) Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", username, "Correct-horse-42")
                .get("access_token");

        JsonPath status = given().auth().oauth2(token).get(statusUrl(env)).then().statusCode(200).extract().jsonPath();
        assertEquals("keycloak-guard", status.getString("pack"));
        assertFalse(status.getString("version").isBlank());
        assertFalse(status.getString("version").contains("${"), "version not filtered");
        assertEquals(REALM, status.getString("realm"));
        List<Map<String, Object>> providers = status.getList("providers");
        assertTrue(providers.contains(Map.of("spi", "guard-redis", "id", "default", "scope", "server", "active", true)),
                providers.toString());
        // The demo realm enables the revocation listener; a realm-scoped provider reports whether this realm uses it.
        assertTrue(providers.contains(Map.of("spi", "eventsListener", "id", "guard-revocation", "scope", "realm", "active", true)),
                providers.toString());
        assertTrue(status.getBoolean("redis.reachable"), status.prettify());
        assertTrue(status.getDouble("redis.roundTripMillis") >= 0, status.prettify());
        assertEquals(env.keyPrefix(), status.getString("redis.keyPrefix"));
    }
}
