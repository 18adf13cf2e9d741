package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static io.keycloakguard.it.sessionlimits.DemoRealm.PASSWORD;
import static io.keycloakguard.it.sessionlimits.DemoRealm.REALM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An invalid limiter config: Keycloak 26.7 stores authenticator configs without asking the provider,
 * so the limiter refuses logins through it (fail safe, not counted as failures) and the status
 * endpoint names the config and the bad values until an admin fixes it.
 */
@ExtendWith(KeycloakGuardExtension.class)
class SessionLimitConfigIT {

    static GuardEnvironment env;

    @BeforeAll
    static void setUp(GuardEnvironment environment) {
        env = environment;
        DemoRealm.env = environment;
    }

    @Test
    void invalidConfigFailsSafeAndIsListedUntilFixed() {
        LimitedClient client = LimitedClient.create(env, REALM, "badconfig", Map.of("realmLimit", "2"));
        AuthFlows flows = new AuthFlows(env.admin(), REALM);
        String flow = client.clientId() + "-dg";
        String configId = flows.configIdOf(flow, client.directGrantExecution());
        Response saved = flows.updateConfig(configId, "badconfig-" + client.clientId(), Map.of(
                "realmLimit", "-1", "roleLimits", "no-such-role=3", "onExceed", "kick"));
        assertEquals(204, saved.statusCode(), saved.asString());

        String user = DemoRealm.newUser("badconfig");
        Response refused = client.passwordGrant(user, PASSWORD);
        assertEquals(400, refused.statusCode());
        assertTrue(refused.asString().contains("configuration is invalid"), refused.asString());

        List<Map<String, Object>> invalid = env.admin().request().get("/admin/realms/{realm}/guard/status", REALM)
                .then().statusCode(200).extract().jsonPath().getList("invalidConfigs");
        Map<String, Object> listed = invalid.stream().filter(i -> ("badconfig-" + client.clientId()).equals(i.get("alias")))
                .findFirst().orElseThrow(() -> new AssertionError("not listed: " + invalid));
        assertEquals("guard-session-limit", listed.get("authenticator"));
        String problems = listed.get("problems").toString();
        assertTrue(problems.contains("'-1'") && problems.contains("'kick'"), problems);

        assertEquals(204, flows.updateConfig(configId, "badconfig-" + client.clientId(),
                Map.of("realmLimit", "2")).statusCode());
        assertEquals(200, client.passwordGrant(user, PASSWORD).statusCode());
        List<Map<String, Object>> after = env.admin().request().get("/admin/realms/{realm}/guard/status", REALM)
                .then().statusCode(200).extract().jsonPath().getList("invalidConfigs");
        assertFalse(after.stream().anyMatch(i -> ("badconfig-" + client.clientId()).equals(i.get("alias"))));
    }

    @Test
    void aRuleNamingARoleThatNoLongerExistsIsInvalid() {
        env.admin().request().body(Map.of("name", "short-lived-tier")).post("/admin/realms/{realm}/roles", REALM)
                .then().statusCode(201);
        LimitedClient client = LimitedClient.create(env, REALM, "gone-role",
                Map.of("realmLimit", "2", "roleLimits", "short-lived-tier=5"));
        env.admin().request().delete("/admin/realms/{realm}/roles/{role}", REALM, "short-lived-tier").then().statusCode(204);
        String problems = env.admin().request().get("/admin/realms/{realm}/guard/status", REALM)
                .then().statusCode(200).extract().jsonPath().getList("invalidConfigs").toString();
        assertTrue(problems.contains("no realm role 'short-lived-tier'"), problems);
        assertEquals(400, client.passwordGrant(DemoRealm.newUser("gone-role"), PASSWORD).statusCode());
    }
}
