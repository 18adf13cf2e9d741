package io.keycloakguard.it.revocation;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Revocations written, delivered and pending show on Keycloak's management /metrics. */
@ExtendWith(KeycloakGuardExtension.class)
class RevocationMetricsIT {

    static final String REALM = "guard-demo";

    @Test
    void outboxCountersAndGaugesAreExported(GuardEnvironment env) {
        String metricsUrl = env.keycloak().managementUrl() + "/metrics";
        double writtenBefore = value(given().get(metricsUrl).asString(), "keycloak_guard_outbox_written_total");

        String username = KeycloakAdmin.uniqueUsername("metrics");
        env.admin().createUser(REALM, username, "Correct-horse-42");
        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", username, "Correct-horse-42");
        Tokens.logout(env.baseUrl(), REALM, "demo-cli", tokens.get("refresh_token"));

        Await.until(() -> value(given().get(metricsUrl).asString(), "keycloak_guard_outbox_written_total") > writtenBefore,
                Duration.ofSeconds(20), "the logout's revocation is counted as written");
        Await.until(() -> {
            String m = given().get(metricsUrl).asString();
            return value(m, "keycloak_guard_outbox_delivered_total") >= 1 && value(m, "keycloak_guard_outbox_pending") == 0;
        }, Duration.ofSeconds(20), "it is counted as delivered and nothing is pending");
        String metrics = given().get(metricsUrl).asString();
        assertTrue(value(metrics, "keycloak_guard_outbox_delivered_total") >= 1, metrics);
        assertEquals(0, value(metrics, "keycloak_guard_outbox_pending"), "everything delivered");
        assertEquals(0, value(metrics, "keycloak_guard_outbox_oldest_pending_age_seconds"));
    }

    /** The value of a metric with topic="revocation"; -1 when absent. */
    private static double value(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*topic=\"revocation\"[^}]*\\} ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

}
