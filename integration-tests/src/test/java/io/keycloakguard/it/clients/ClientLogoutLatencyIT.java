package io.keycloakguard.it.clients;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.it.load.LatencyRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.restassured.RestAssured.given;

/**
 * A benchmark, not a test (off unless {@code -Dbench.clients=...}): logout → the example app of each resource-server
 * package answers 401, over many logouts. For each session: password grant, then POST the logout and call
 * {@code GET /api/me} with the access token until the app answers 401 "token revoked"; the time is measured from
 * sending the logout and from receiving its response. Prints p50/p90/p99/max in milliseconds per app.
 * Apps: {@code spring-boot4}, {@code spring-boot3} (the Spring Boot example's JAR), {@code express} (the Node
 * package from {@code npm pack}), {@code java} (revocation-client's servlet filter in Jetty), {@code python} (the
 * FastAPI quick start under uvicorn, from the built wheel).
 *
 * <pre>
 * ./mvnw -B verify -pl integration-tests -am -Dit.test=ClientLogoutLatencyIT -Dbench.clients=spring-boot4,spring-boot3,express,java \
 *     -Dbench.logouts=500 -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@ExtendWith(KeycloakGuardExtension.class)
@EnabledIfSystemProperty(named = "bench.clients", matches = ".+")
class ClientLogoutLatencyIT {

    @Test
    void logoutToRejection(GuardEnvironment env) throws Exception {
        int logouts = Integer.getInteger("bench.logouts", 500);
        for (String app : System.getProperty("bench.clients").split(",")) {
            // The scenario's realm and apps; the fail-open app is measured.
            try (ResourceServerScenario scenario = ResourceServerScenario.start(env, "bench-" + app, launcher(app))) {
                measureMany(env, scenario, logouts);
            }
        }
    }

    private static ResourceServerScenario.AppLauncher launcher(String app) throws Exception {
        return switch (app.trim()) {
            case "spring-boot4" -> (name, settings) -> SpringBootApp.start("example", name, settings);
            case "spring-boot3" -> (name, settings) -> SpringBootApp.start("example-boot3", name, settings);
            case "express" -> NodePackage.packAndInstall()::start;
            case "java" -> JavaFilterApp::start;
            case "python" -> {
                PythonPackage python = PythonPackage.buildAndInstall();
                yield (name, settings) -> python.start(name, settings, 1);
            }
            default -> throw new IllegalArgumentException("bench.clients: unknown app " + app);
        };
    }

    private static void measureMany(GuardEnvironment env, ResourceServerScenario scenario, int logouts) {
        String username = KeycloakAdmin.uniqueUsername("bench");
        env.admin().createUser(scenario.realm, username, ResourceServerScenario.PASSWORD);
        ResourceServerScenario.AppUnderTest app = scenario.failOpen;
        for (int i = 0; i < 50; i++) {
            measure(env, scenario.realm, username, app); // warm-up: JIT, connection pools
        }
        long[] fromRequest = new long[logouts];
        long[] fromResponse = new long[logouts];
        long[] logoutRequest = new long[logouts];
        for (int i = 0; i < logouts; i++) {
            long[] sample = measure(env, scenario.realm, username, app);
            fromRequest[i] = sample[0];
            fromResponse[i] = sample[1];
            logoutRequest[i] = sample[0] - sample[1];
        }
        System.out.printf("%nLogout -> %s answers 401, over %d logouts (ms)%n", app.name(), logouts);
        report("from sending the logout", fromRequest);
        report("from the logout's response", fromResponse);
        report("the logout request itself", logoutRequest);
    }

    /** Nanos from sending the logout, and from its response, until the app rejects the session's token as revoked. */
    private static long[] measure(GuardEnvironment env, String realm, String username,
                                  ResourceServerScenario.AppUnderTest app) {
        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), realm, ResourceServerScenario.CLIENT, username,
                ResourceServerScenario.PASSWORD);
        String accessToken = (String) tokens.get("access_token");
        HttpResponse<String> before = ResourceServerScenario.get(app, app.protectedPath(), accessToken);
        if (before.statusCode() != 200) {
            throw new IllegalStateException("not accepted before the logout: " + ResourceServerScenario.describe(before));
        }
        long start = System.nanoTime();
        given().formParam("client_id", ResourceServerScenario.CLIENT).formParam("refresh_token", tokens.get("refresh_token"))
                .post(env.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/logout").then().statusCode(204);
        long responded = System.nanoTime();
        long deadline = responded + 10_000_000_000L;
        while (!ResourceServerScenario.isRevocation(ResourceServerScenario.get(app, app.protectedPath(), accessToken))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not rejected within 10 s");
            }
        }
        long rejected = System.nanoTime();
        return new long[] {rejected - start, rejected - responded};
    }

    private static void report(String label, long[] nanos) {
        System.out.printf("  %-28s p50 %6.2f  p90 %6.2f  p99 %6.2f  max %6.2f%n", label,
                LatencyRecorder.percentileOfUnsorted(nanos, 50), LatencyRecorder.percentileOfUnsorted(nanos, 90),
                LatencyRecorder.percentileOfUnsorted(nanos, 99), LatencyRecorder.percentileOfUnsorted(nanos, 100));
    }
}
