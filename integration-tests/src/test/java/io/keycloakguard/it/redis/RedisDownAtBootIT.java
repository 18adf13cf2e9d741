package io.keycloakguard.it.redis;

import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.FreePorts;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Keycloak with the pack starts and users log in when Redis is not there at all. */
@ExtendWith(KeycloakGuardExtension.class)
class RedisDownAtBootIT {

    @Test
    void startsAndLogsInWithoutRedis(GuardEnvironment env) {
        assumeTrue(env.keycloak() instanceof DistributionKeycloak, "needs the distribution backend");
        String nobodyListens = "redis://127.0.0.1:" + FreePorts.next();
        KeycloakOptions options = KeycloakOptions.defaults("no-redis", env.database(), nobodyListens, env.keyPrefix());

        try (DistributionKeycloak kc = DistributionKeycloak.startScratch(options)) {
            Map<String, Object> tokens = Tokens.passwordGrant(kc.baseUrl(), "master", "admin-cli",
                    kc.adminUsername(), kc.adminPassword());
            String token = (String) tokens.get("access_token");
            assertNotNull(token);

            JsonPath status = given().auth().oauth2(token).get(kc.baseUrl() + "/admin/realms/master/guard/status")
                    .then().statusCode(200).extract().jsonPath();
            assertFalse(status.getBoolean("redis.reachable"), status.prettify());
            assertTrue(kc.log().contains("is unreachable"), "one warning says Redis is missing");
        }
    }
}
