package io.keycloakguard.it.realmconfig;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keycloak's brute-force protection as the shipped variants configure it: paced wrong passwords (one more after each
 * lockout, as an attacker who only wants the account locked sends them) must never disable the account; once the
 * wait is over the owner signs in. Only the waits are shortened (through the admin API, after the import) so that the
 * test takes seconds: the strategy itself (no permanent lockout, MULTIPLE, failure factor, capped wait) is the file's.
 */
@ExtendWith(KeycloakGuardExtension.class)
class ShippedLockoutIT {

    private static final String PASSWORD = "violet-staple-orbit-42";
    private static final String WRONG = "violet-staple-orbit-43";
    /** Ten failures lock the account; the attacker then sent one more after each lockout. */
    private static final int PACED_FAILURES = 14;
    private static final List<String> WAITS = List.of("waitIncrementSeconds", "maxFailureWaitSeconds",
            "minimumQuickLoginWaitSeconds", "sslRequired");

    @ParameterizedTest
    @EnumSource(Variant.class)
    void pacedWrongPasswordsNeverDisableTheAccount(Variant v, GuardEnvironment env) {
        KeycloakAdmin admin = env.admin();
        Map<String, Object> imported = admin.request().get("/admin/realms/{realm}", v.realm)
                .then().statusCode(200).extract().as(Map.class);
        assertEquals(true, imported.get("bruteForceProtected"));
        assertEquals(10, imported.get("failureFactor"), "ten failures before the first lockout");

        Map<String, Object> restore = new HashMap<>();
        WAITS.forEach(k -> restore.put(k, imported.get(k)));
        // Seconds instead of minutes; plain HTTP from the test's "public" addresses (sslRequired none).
        admin.request().body(Map.of("waitIncrementSeconds", 2, "maxFailureWaitSeconds", 3,
                        "minimumQuickLoginWaitSeconds", 1, "sslRequired", "none"))
                .put("/admin/realms/{realm}", v.realm).then().statusCode(204);
        try {
            String username = KeycloakAdmin.uniqueUsername("lockout");
            String userId = admin.createUser(v.realm, username, PASSWORD);
            for (int attempt = 1; attempt <= PACED_FAILURES; attempt++) {
                awaitNotLocked(admin, v, userId, "before wrong password " + attempt);
                // A new address each time: the per-IP rate limit (10 a minute) is not what this test is about.
                BrowserSession browser = new BrowserSession(env.baseUrl()).forwardedFor(address(v, attempt));
                BrowserSession.LoginPage page = browser.openLoginPage(v.realm, AppSignIn.CLIENT, AppSignIn.REDIRECT);
                BrowserSession.Outcome wrong = browser.submitCredentials(page, username, WRONG);
                assertEquals(200, wrong.status(), "the login form again: " + wrong.body());
                assertTrue(wrong.body().contains("Invalid username or password"), wrong.body());
            }
            Map<String, Object> user = admin.request().get("/admin/realms/{realm}/users/{id}", v.realm, userId)
                    .then().statusCode(200).extract().as(Map.class);
            assertEquals(true, user.get("enabled"), v + ": " + PACED_FAILURES
                    + " paced wrong passwords disabled the account (permanent lockout): " + user);
            Map<String, Object> status = bruteForceStatus(admin, v, userId);
            assertEquals(PACED_FAILURES, ((Number) status.get("numFailures")).intValue(), "every failure counted: " + status);

            awaitNotLocked(admin, v, userId, "the last lockout ends");
            AppSignIn owner = new AppSignIn(env.baseUrl(), v.realm, username, PASSWORD);
            AppSignIn.Result signIn = owner.signIn(owner.browser(address(v, PACED_FAILURES + 1)));
            assertTrue(signIn.atApp(), v + ": the owner signs in once the wait is over: " + signIn.end().status() + " "
                    + signIn.end().body());
        } finally {
            admin.request().body(restore).put("/admin/realms/{realm}", v.realm).then().statusCode(204);
        }
    }

    private static String address(Variant v, int attempt) {
        return "192.0.2." + (v.ordinal() * 20 + attempt);
    }

    private static Map<String, Object> bruteForceStatus(KeycloakAdmin admin, Variant v, String userId) {
        return admin.request().get("/admin/realms/{realm}/attack-detection/brute-force/users/{id}", v.realm, userId)
                .then().statusCode(200).extract().as(Map.class);
    }

    private static void awaitNotLocked(KeycloakAdmin admin, Variant v, String userId, String when) {
        Await.until(() -> !Boolean.TRUE.equals(bruteForceStatus(admin, v, userId).get("disabled")), Duration.ofSeconds(30),
                "the temporary lockout is over (" + when + ")");
    }
}
