package io.keycloakguard.it.bench;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.load.LatencyRecorder;
import io.keycloakguard.it.load.LoadDriver;
import io.keycloakguard.it.load.OverheadRealms;
import io.keycloakguard.it.load.OverheadRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The overhead benchmark in miniature, so that its load driver and realms cannot rot: a few seconds of every
 * operation on a pack realm and its stock twin, built by the code the benchmark uses. No timing is asserted.
 */
@ExtendWith(KeycloakGuardExtension.class)
class LoadDriverSmokeIT {

    @Test
    void everyOperationRunsOnBothRealmsWithoutFailures(GuardEnvironment env, @TempDir Path dir) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String packRealm = "smoke-pack-" + suffix;
        String stockRealm = "smoke-stock-" + suffix;
        LoadDriver.Target pack = OverheadRealms.pack(env.admin(), env.baseUrl(), packRealm, 6,
                OverheadRealms.Hashing.KEYCLOAK_DEFAULT);
        LoadDriver.Target stock = OverheadRealms.stock(env.admin(), env.baseUrl(), stockRealm, 6,
                OverheadRealms.Hashing.KEYCLOAK_DEFAULT);
        OverheadRun run = new OverheadRun(new LoadDriver(pack), new LoadDriver(stock));

        List<OverheadRun.Comparison> comparisons = run.run(
                new OverheadRun.Settings(2, Duration.ofSeconds(1), 2, Duration.ofSeconds(2)));

        assertEquals(Map.of(), run.pack().failureReasons(), "pack realm failures");
        assertEquals(Map.of(), run.stock().failureReasons(), "stock realm failures");
        assertEquals(OverheadRun.OPERATIONS, comparisons.stream().map(OverheadRun.Comparison::operation).toList());
        for (OverheadRun.Comparison c : comparisons) {
            for (LatencyRecorder.Summary summary : List.of(c.pack(), c.stock())) {
                assertTrue(summary.succeeded() > 0, "ran: " + summary);
                assertEquals(0, summary.failed(), "failed: " + summary);
                assertTrue(summary.seconds() > 0 && summary.p50() > 0 && summary.p99() >= summary.p50(), summary.toString());
            }
            assertEquals(2, c.packRounds().size());
            assertEquals(2, c.stockRounds().size());
            assertTrue(Double.isFinite(c.throughputRatio()) && c.throughputRatio() > 0, "ratio " + c.throughputRatio());
            assertTrue(Double.isFinite(c.p99Ratio()) && c.p99Ratio() > 0, "p99 ratio " + c.p99Ratio());
        }
        String table = OverheadRun.markdownTable(comparisons);
        System.out.println(table);
        for (var operation : OverheadRun.OPERATIONS) {
            assertTrue(table.contains("| " + operation.label() + " |"), table);
        }
        assertFalse(table.contains("NaN"), table);

        Path png = dir.resolve("overhead.png");
        run.writePercentilePlot(comparisons, "smoke", png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "a readable PNG");
        assertEquals(1200, image.getWidth());

        // The pack's steps ran in the pack realm's logins: the condition judged the enrolled device known (no OTP),
        // and the recorder kept the logins; the stock realm's logins carry none of it.
        assertTrue(loginEvents(env, packRealm).stream().anyMatch(e -> "false".equals(detail(e, "guard_condition_new_device"))),
                "a pack browser login with the device condition: " + loginEvents(env, packRealm));
        List<Map<String, Object>> stockLogins = loginEvents(env, stockRealm);
        assertFalse(stockLogins.isEmpty(), "the stock realm stored its login events");
        assertTrue(stockLogins.stream().noneMatch(e -> detail(e, "guard_new_device") != null),
                "stock logins without the pack's details");
        String userId = env.admin().request().get("/admin/realms/{realm}/users?exact=true&username={u}", packRealm,
                pack.usernames().get(0)).then().statusCode(200).extract().path("[0].id");
        List<Object> logins = env.admin().request()
                .get("/admin/realms/{realm}/guard-devices/users/{id}/logins", packRealm, userId)
                .then().statusCode(200).extract().jsonPath().getList("");
        assertFalse(logins.isEmpty(), "the device recorder kept the pack user's logins");

        // Every session the load opened was logged out after each run, in both realms alike.
        assertEquals(0, activeSessions(env, packRealm), "pack sessions left");
        assertEquals(0, activeSessions(env, stockRealm), "stock sessions left");
    }

    private static List<Map<String, Object>> loginEvents(GuardEnvironment env, String realm) {
        return env.admin().request().get("/admin/realms/{realm}/events?type=LOGIN&client={client}&max=500", realm,
                        OverheadRealms.CLIENT)
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    private static String detail(Map<String, Object> event, String name) {
        Object details = event.get("details");
        return details instanceof Map<?, ?> map && map.get(name) != null ? map.get(name).toString() : null;
    }

    private static long activeSessions(GuardEnvironment env, String realm) {
        List<Map<String, Object>> stats = env.admin().request().get("/admin/realms/{realm}/client-session-stats", realm)
                .then().statusCode(200).extract().jsonPath().getList("");
        return stats.stream().mapToLong(s -> Long.parseLong(String.valueOf(s.get("active")))).sum();
    }
}
