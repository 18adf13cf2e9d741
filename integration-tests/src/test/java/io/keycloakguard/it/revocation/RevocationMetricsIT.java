package io.keycloakguard.it.revocation;

import io.keycloakguard.it.harness.DistributionKeycloak;
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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Revocations written, delivered and pending show on Keycloak's management /metrics. */
@ExtendWith(KeycloakGuardExtension.class)
class RevocationMetricsIT {

    static final String REALM = "guard-demo";

    @Test
    void outboxCountersAndGaugesAreExported(GuardEnvironment env) {
        assumeTrue(env.keycloak() instanceof DistributionKeycloak, "reads the management port of the distribution");
        String metricsUrl = ((DistributionKeycloak) env.keycloak()).managementUrl() + "/metrics";
        double writtenBefore = value(given().get(metricsUrl).asString(), "keycloak_guard_outbox_written_total");

        String username = KeycloakAdmin.uniqueUsername("metrics");
        env.admin().createUser(REALM, username, "Correct-horse-42");
        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", username, "Correct-horse-42");
        given().formParam("client_id", "demo-cli").formParam("refresh_token", tokens.get("refresh_token"))
                .post(env.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/logout").then().statusCode(204);

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String metrics = given().get(metricsUrl).asString();
        while (value(metrics, "keycloak_guard_outbox_written_total") <= writtenBefore && System.nanoTime() < deadline) {
            sleep();
            metrics = given().get(metricsUrl).asString();
        }
        assertTrue(value(metrics, "keycloak_guard_outbox_written_total") > writtenBefore, metrics);
        while ((value(metrics, "keycloak_guard_outbox_delivered_total") < 1
                || value(metrics, "keycloak_guard_outbox_pending") != 0) && System.nanoTime() < deadline) {
            sleep();
            metrics = given().get(metricsUrl).asString();
        }
        assertTrue(value(metrics, "keycloak_guard_outbox_delivered_total") >= 1, metrics);
        assertEquals(0, value(metrics, "keycloak_guard_outbox_pending"), "everything delivered");
        assertEquals(0, value(metrics, "keycloak_guard_outbox_oldest_pending_age_seconds"));
    }

    /** The value of a metric with topic="revocation"; -1 when absent. */
    private static double value(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*topic=\"revocation\"[^}]*\\} ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
