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
import java.util.UUID;

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
    }

    /**
     * Redis's address, database, key prefix and error texts are the server's, not a realm's: an admin of another
     * realm with view-realm sees the realm's status but none of them; an admin of the master realm sees them.
     */
    @Test
    void serverInfrastructureIsShownToMasterRealmAdminsOnly(GuardEnvironment env) {
        String realm = "guard-status-" + UUID.randomUUID().toString().substring(0, 6);
        env.admin().request().body(Map.of("realm", realm, "enabled", true)).post("/admin/realms").then().statusCode(201);
        env.admin().request().body(Map.of("clientId", "status-cli", "publicClient", true, "directAccessGrantsEnabled", true))
                .post("/admin/realms/{realm}/clients", realm).then().statusCode(201);
        String username = KeycloakAdmin.uniqueUsername("realm-admin");
        String userId = env.admin().createUser(realm, username, "Correct-horse-42");
        env.admin().grantClientRole(realm, userId, "realm-management", "view-realm");
        String token = (String) Tokens.passwordGrant(env.baseUrl(), realm, "status-cli", username, "Correct-horse-42")
                .get("access_token");
        String url = env.baseUrl() + "/admin/realms/" + realm + "/guard/status";
        String redisHostPort = env.redis().url().replaceFirst("^redis://", "").replaceFirst("/.*$", "");

        String asRealmAdmin = given().auth().oauth2(token).get(url).then().statusCode(200).extract().asString();
        JsonPath realmView = JsonPath.from(asRealmAdmin);
        assertEquals(realm, realmView.getString("realm"));
        assertFalse(realmView.getList("providers").isEmpty(), asRealmAdmin);
        assertTrue(realmView.getBoolean("redis.reachable"), asRealmAdmin);
        assertTrue(realmView.getMap("outbox") != null, asRealmAdmin);
        // Issue 25 item 2: the realm's pack state is the realm admin's too, not only the master realm's.
        assertTrue(realmView.getMap("revocationFeed").containsKey("heartbeat"), asRealmAdmin);
        assertTrue(realmView.getList("invalidConfigs") != null, asRealmAdmin);
        assertTrue(realmView.getList("configWarnings") != null, asRealmAdmin);
        for (String field : List.of("target", "keyPrefix", "error", "database", "sentinels", "nodes")) {
            assertFalse(realmView.getMap("redis").containsKey(field), "realm admin sees redis." + field + ": " + asRealmAdmin);
        }
        assertFalse(asRealmAdmin.contains(redisHostPort), "realm admin sees Redis's address: " + asRealmAdmin);
        assertFalse(asRealmAdmin.contains(env.keyPrefix()), "realm admin sees the key prefix: " + asRealmAdmin);

        String asMasterAdmin = env.admin().request().get("/admin/realms/{realm}/guard/status", realm)
                .then().statusCode(200).extract().asString();
        JsonPath masterView = JsonPath.from(asMasterAdmin);
        assertEquals(env.keyPrefix(), masterView.getString("redis.keyPrefix"), asMasterAdmin);
        assertTrue(masterView.getString("redis.target").contains(redisHostPort), asMasterAdmin);

        String nobody = KeycloakAdmin.uniqueUsername("no-view");
        env.admin().createUser(realm, nobody, "Correct-horse-42");
        String nobodyToken = (String) Tokens.passwordGrant(env.baseUrl(), realm, "status-cli", nobody, "Correct-horse-42")
                .get("access_token");
        given().auth().oauth2(nobodyToken).get(url).then().statusCode(403);
    }
}
