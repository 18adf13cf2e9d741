package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.keycloakguard.it.harness.Await;

import java.time.Duration;
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
@Tag("compat")
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

    /**
     * Issue 25 item 1: a typo saved through the admin API (as the console's form does) reaches the admin before any
     * user is refused: one WARN naming realm, flow, step and problem at the save, and the status lists the config
     * with its flow and step.
     */
    @Test
    void aTypoInTheRealmLimitIsReportedWhenSavedBeforeAnyLogin() {
        LimitedClient client = LimitedClient.create(env, REALM, "typo", Map.of("realmLimit", "2"));
        AuthFlows flows = new AuthFlows(env.admin(), REALM);
        String flow = client.clientId() + "-dg";
        String configId = flows.configIdOf(flow, client.directGrantExecution());
        String alias = "typo-" + client.clientId();
        assertEquals(204, flows.updateConfig(configId, alias, Map.of("realmLimit", "two")).statusCode());

        String expected = "realm " + REALM + ", flow '" + flow + "', step 'Guard: session limit'";
        Await.until(() -> warningsAbout(alias).stream().anyMatch(l -> l.contains(expected) && l.contains("'two'")),
                Duration.ofSeconds(30), "a WARN naming " + expected + " and 'two' for config " + alias
                        + "; log lines naming it: " + warningsAbout(alias));
        assertEquals(1, warningsAbout(alias).size(), "one WARN per save: " + warningsAbout(alias));

        List<Map<String, Object>> invalid = env.admin().request().get("/admin/realms/{realm}/guard/status", REALM)
                .then().statusCode(200).extract().jsonPath().getList("invalidConfigs");
        Map<String, Object> listed = invalid.stream().filter(i -> alias.equals(i.get("alias"))).findFirst()
                .orElseThrow(() -> new AssertionError("not listed: " + invalid));
        assertEquals(flow, listed.get("flow"), listed.toString());
        assertEquals("Guard: session limit", listed.get("step"), listed.toString());
        assertTrue(listed.get("problems").toString().contains("'two'"), listed.toString());
    }

    /** A limiter saved without any limit limits nothing: the status and one WARN say so before anyone logs in. */
    @Test
    void aLimiterWithoutAnyLimitIsFlaggedAsInert() {
        LimitedClient client = LimitedClient.create(env, REALM, "inert", Map.of("realmLimit", "2"));
        AuthFlows flows = new AuthFlows(env.admin(), REALM);
        String flow = client.clientId() + "-dg";
        String alias = "inert-" + client.clientId();
        assertEquals(204, flows.updateConfig(flows.configIdOf(flow, client.directGrantExecution()), alias,
                Map.of("countOfflineSessions", "false")).statusCode());

        Await.until(() -> warningsAbout(alias).stream().anyMatch(l -> l.contains("flow '" + flow + "'")
                        && l.contains("limits nothing")),
                Duration.ofSeconds(30), "a WARN that " + alias + " limits nothing: " + warningsAbout(alias));
        List<Map<String, Object>> inert = env.admin().request().get("/admin/realms/{realm}/guard/status", REALM)
                .then().statusCode(200).extract().jsonPath().getList("configWarnings");
        Map<String, Object> listed = inert.stream().filter(i -> alias.equals(i.get("alias"))).findFirst()
                .orElseThrow(() -> new AssertionError("not listed: " + inert));
        assertEquals(flow, listed.get("flow"), listed.toString());
        assertTrue(listed.get("problems").toString().contains("limits nothing"), listed.toString());
    }

    private static List<String> warningsAbout(String alias) {
        return env.keycloak().log().lines().filter(l -> l.contains("WARN") && l.contains("'" + alias + "'")).toList();
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
