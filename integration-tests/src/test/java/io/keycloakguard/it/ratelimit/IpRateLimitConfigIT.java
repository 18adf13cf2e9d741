package io.keycloakguard.it.ratelimit;

import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.keycloakguard.it.ratelimit.RateLimitRealm.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An invalid rate-limit config: Keycloak 26.7 stores authenticator configs without asking the provider, so
 * logins through it are refused (fail safe, never a 500) and the status endpoint names the config and the
 * bad entries until an admin fixes it.
 */
@ExtendWith(KeycloakGuardExtension.class)
class IpRateLimitConfigIT {

    static GuardEnvironment env;
    static RateLimitRealm realm;
    static String user;

    @BeforeAll
    static void setUp(GuardEnvironment environment) {
        env = environment;
        realm = RateLimitRealm.create(env.admin(), env.baseUrl());
        user = realm.newUser("rl-config");
    }

    @Test
    void anInvalidAllowListFailsSafeAndIsListedUntilFixed() {
        RateLimitedClient client = realm.directGrant("badcidr", Map.of("maxFailures", "5"));
        Response saved = client.reconfigure(Map.of("maxFailures", "5",
                "allowList", "10.0.0.0/8##10.0.0.300/8##office-nat##2001:db8::/129", "window", "forever"));
        assertEquals(204, saved.statusCode(), saved.asString());

        Response refused = client.passwordGrant(RateLimitRealm.newAddress(), user, PASSWORD);
        assertEquals(400, refused.statusCode(), refused.asString());
        assertTrue(refused.asString().contains("configuration is invalid"), refused.asString());

        Map<String, Object> listed = invalidConfig(client.configAlias());
        assertEquals("guard-ip-rate-limit", listed.get("authenticator"));
        String problems = listed.get("problems").toString();
        assertTrue(problems.contains("'10.0.0.300/8'") && problems.contains("'office-nat'")
                && problems.contains("'2001:db8::/129'"), problems);
        assertFalse(problems.contains("'10.0.0.0/8'"), problems);
        assertTrue(problems.contains("'forever' for option 'Window'"), problems);
        assertEquals(1, realm.loginErrors(client.clientId(), "guard_ip_rate_limit_misconfigured").size());

        assertEquals(204, client.reconfigure(Map.of("maxFailures", "5", "allowList", "10.0.0.0/8")).statusCode());
        assertEquals(200, client.passwordGrant(RateLimitRealm.newAddress(), user, PASSWORD).statusCode());
        assertFalse(invalidConfigs().stream().anyMatch(i -> client.configAlias().equals(i.get("alias"))));
    }

    @Test
    void anInvalidConfigOfTheBrowserFormShowsAPageNotAServerError() {
        RateLimitedClient client = realm.browserForm("badform", Map.of("maxFailures", "many", "burstWindow", "-5s"));
        HttpResponse<String> page = new BrowserSession(env.baseUrl())
                .header("X-Forwarded-For", RateLimitRealm.newAddress()).get(client.authorizationUrl());
        assertEquals(403, page.statusCode(), page.body());
        assertTrue(page.body().contains("the sign-in rate limit is misconfigured"), page.body());

        Map<String, Object> listed = invalidConfig(client.configAlias());
        assertEquals("guard-ip-rate-limited-password-form", listed.get("authenticator"));
        String problems = listed.get("problems").toString();
        assertTrue(problems.contains("'many'") && problems.contains("'-5s'"), problems);
    }

    private static Map<String, Object> invalidConfig(String alias) {
        List<Map<String, Object>> invalid = invalidConfigs();
        return invalid.stream().filter(i -> alias.equals(i.get("alias"))).findFirst()
                .orElseThrow(() -> new AssertionError("not listed: " + invalid));
    }

    private static List<Map<String, Object>> invalidConfigs() {
        return env.admin().request().get("/admin/realms/{realm}/guard/status", realm.name)
                .then().statusCode(200).extract().jsonPath().getList("invalidConfigs");
    }
}
