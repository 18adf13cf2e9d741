package io.keycloakguard.it.load;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.Tokens;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two realms the overhead benchmark compares, created through the admin REST API as an admin would:
 *
 * <ul>
 *   <li><b>pack</b>: every provider docs/admin-guide.md puts in the browser and direct-grant flows, in its order.
 *   The browser flow is a copy of Keycloak's whose forms subflow runs the username/password form with the per-IP
 *   rate limit (in place of Keycloak's form), the IP policy (allow list 127.0.0.0/8 and ::1), a conditional
 *   step-up subflow (new device or network, then OTP), the device recorder and the session limiter (realm limit
 *   50, end-oldest); Keycloak's own "OTP if configured" subflow is disabled (the step-up replaces it, as in the
 *   pack's realm files). The direct-grant flow is a copy of Keycloak's with the rate-limit gate first and the IP
 *   policy, device recorder and session limiter after the password. Event listeners jboss-logging,
 *   guard-revocation and guard-audit; the client is network-bound (client policy with the guard-network-binding
 *   executor in reject mode).</li>
 *   <li><b>stock</b>: the same realm settings, Keycloak's built-in flows, only the jboss-logging listener, no
 *   client policy.</li>
 * </ul>
 *
 * <p>Users have no OTP. So that pack browser logins do not stop at the step-up's OTP form, every pack user signs in
 * once beforehand through an enrollment client (a flow that only records the device) and the load's browser
 * brings that device cookie back: a returning user on a known device and network, for whom the condition runs
 * its lookups and skips the OTP. Both realms turn brute-force detection off (the load logs users in again and
 * again), store login events and admin events.
 */
public final class OverheadRealms {

    public static final String PASSWORD = "Correct-horse-42";
    public static final String CLIENT = "bench-app";
    public static final String REDIRECT = "http://127.0.0.1:9/bench-app/callback";
    static final String ENROLL_CLIENT = "bench-enroll";
    static final String DEVICE_COOKIE = "KC_GUARD_DEVICE";

    /** How the realms hash passwords: Keycloak's default, or a cheap policy that exposes the rest of a login. */
    public enum Hashing {
        KEYCLOAK_DEFAULT("Keycloak's default password hashing", null),
        CHEAP("cheap hash (pbkdf2-sha256, 1 iteration)", "hashAlgorithm(pbkdf2-sha256) and hashIterations(1)");

        private final String description;
        private final String passwordPolicy;

        Hashing(String description, String passwordPolicy) {
            this.description = description;
            this.passwordPolicy = passwordPolicy;
        }

        public String description() {
            return description;
        }
    }

    private OverheadRealms() {
    }

    /** The pack realm with {@code users} users, each of whom has signed in once on the device the load reuses. */
    public static LoadDriver.Target pack(KeycloakAdmin admin, String baseUrl, String realm, int users, Hashing hashing) {
        createRealm(admin, realm, hashing, List.of("jboss-logging", "guard-revocation", "guard-audit"));
        AuthFlows flows = new AuthFlows(admin, realm);
        packBrowserFlow(flows, admin, realm, "pack browser");
        packDirectGrantFlow(flows, "pack direct grant");
        admin.request().body(Map.of("browserFlow", "pack browser", "directGrantFlow", "pack direct grant"))
                .put("/admin/realms/{realm}", realm).then().statusCode(204);
        networkBindingPolicy(admin, realm);
        flows.createClient(CLIENT, REDIRECT, null, null, Map.of("attributes", Map.of("network-bound", "true")));

        flows.copy("browser", "enroll browser");
        flows.addRequired("enroll browser forms", "guard-device-recorder");
        flows.createClient(ENROLL_CLIENT, REDIRECT, "enroll browser", null, Map.of());

        List<String> usernames = createUsers(admin, realm, users);
        Map<String, LoadDriver.Cookie> devices = new HashMap<>();
        for (String username : usernames) {
            devices.put(username, enrollDevice(baseUrl, realm, username));
        }
        return new LoadDriver.Target(baseUrl, realm, CLIENT, REDIRECT, PASSWORD, usernames, devices);
    }

    /** The stock twin: same settings and users, Keycloak's flows and only the jboss-logging listener. */
    public static LoadDriver.Target stock(KeycloakAdmin admin, String baseUrl, String realm, int users, Hashing hashing) {
        createRealm(admin, realm, hashing, List.of("jboss-logging"));
        // The same client attribute as the pack's client, without a policy that reads it.
        new AuthFlows(admin, realm).createClient(CLIENT, REDIRECT, null, null,
                Map.of("attributes", Map.of("network-bound", "true")));
        return new LoadDriver.Target(baseUrl, realm, CLIENT, REDIRECT, PASSWORD, createUsers(admin, realm, users), Map.of());
    }

    /** The algorithm Keycloak stored a user's password with, as the admin API shows it (e.g. "argon2"). */
    public static String passwordAlgorithm(KeycloakAdmin admin, String realm, String username) {
        String userId = admin.request().get("/admin/realms/{realm}/users?exact=true&username={u}", realm, username)
                .then().statusCode(200).extract().path("[0].id");
        String credentialData = admin.request().get("/admin/realms/{realm}/users/{id}/credentials", realm, userId)
                .then().statusCode(200).extract().path("find { it.type == 'password' }.credentialData");
        return new io.restassured.path.json.JsonPath(credentialData).getString("algorithm");
    }

    private static void createRealm(KeycloakAdmin admin, String realm, Hashing hashing, List<String> listeners) {
        Map<String, Object> settings = new LinkedHashMap<>(Map.of(
                "realm", realm, "enabled", true,
                // Plain HTTP on loopback; the load logs the same users in again and again.
                "sslRequired", "none", "bruteForceProtected", false,
                "eventsEnabled", true, "eventsListeners", listeners,
                "adminEventsEnabled", true, "adminEventsDetailsEnabled", true));
        if (hashing.passwordPolicy != null) {
            settings.put("passwordPolicy", hashing.passwordPolicy);
        }
        admin.request().body(settings).post("/admin/realms").then().statusCode(201);
    }

    /**
     * The browser flow of docs/admin-guide.md ("The intended wiring"): the rate-limited password form in place of
     * Keycloak's, the IP policy, the step-up subflow (new device or network, then OTP), the device recorder, and
     * the session limiter last.
     */
    private static void packBrowserFlow(AuthFlows flows, KeycloakAdmin admin, String realm, String alias) {
        String forms = alias + " forms";
        flows.copy("browser", alias);
        for (Map<String, Object> e : flows.executions(alias)) {
            if (Boolean.TRUE.equals(e.get("authenticationFlow")) && ((Number) e.get("level")).intValue() == 1) {
                flows.setRequirement(alias, e, "DISABLED"); // Keycloak's "OTP if configured": the step-up replaces it
            }
        }
        String keycloakForm = flows.executions(forms).stream()
                .filter(e -> "auth-username-password-form".equals(e.get("providerId")))
                .map(e -> (String) e.get("id")).findFirst().orElseThrow();
        admin.request().delete("/admin/realms/{realm}/authentication/executions/{id}", realm, keycloakForm)
                .then().statusCode(204);
        String form = flows.addRequired(forms, "guard-ip-rate-limited-password-form");
        flows.moveFirst(forms, form);
        flows.saveAcceptedConfig(form, alias + " rate limit", rateLimitConfig());
        flows.saveAcceptedConfig(flows.addRequired(forms, "guard-ip-policy"), alias + " ip policy", ipPolicyConfig());
        String stepUp = alias + " step-up";
        flows.addSubflow(forms, stepUp, "CONDITIONAL");
        flows.saveAcceptedConfig(flows.addRequired(stepUp, "guard-condition-new-device"), alias + " new device",
                Map.of("newIf", "device-or-network", "ipv4PrefixBits", "24", "ipv6PrefixBits", "64",
                        "compareLastLogins", "20"));
        flows.addRequired(stepUp, "auth-otp-form");
        flows.saveAcceptedConfig(flows.addRequired(forms, "guard-device-recorder"), alias + " device recorder", deviceRecorderConfig());
        flows.saveAcceptedConfig(flows.addRequired(forms, "guard-session-limit"), alias + " session limit", sessionLimitConfig());
    }

    /** The direct-grant flow of docs/admin-guide.md: rate limit first, session limiter last. */
    private static void packDirectGrantFlow(AuthFlows flows, String alias) {
        flows.copy("direct grant", alias);
        String gate = flows.addRequired(alias, "guard-ip-rate-limit");
        flows.moveFirst(alias, gate);
        flows.saveAcceptedConfig(gate, alias + " rate limit", rateLimitConfig());
        flows.saveAcceptedConfig(flows.addRequired(alias, "guard-ip-policy"), alias + " ip policy", ipPolicyConfig());
        flows.saveAcceptedConfig(flows.addRequired(alias, "guard-device-recorder"), alias + " device recorder", deviceRecorderConfig());
        flows.saveAcceptedConfig(flows.addRequired(alias, "guard-session-limit"), alias + " session limit", sessionLimitConfig());
    }

    private static Map<String, String> rateLimitConfig() {
        // As in the pack's realm files; loopback is not on the allow list, so every login is checked.
        return Map.of("maxFailures", "100", "window", "24h", "burstMax", "10", "burstWindow", "1m",
                "onRedisUnavailable", "allow");
    }

    private static Map<String, String> ipPolicyConfig() {
        return Map.of("realmAllow", "127.0.0.0/8 ::1/128");
    }

    private static Map<String, String> sessionLimitConfig() {
        // Counted on every login, never reached: the load spreads its sessions over many users.
        return Map.of("realmLimit", "50", "onExceed", "end-oldest", "countOfflineSessions", "false");
    }

    private static Map<String, String> deviceRecorderConfig() {
        return Map.of("keepLogins", "20", "notifyNewDevice", "false");
    }

    private static void networkBindingPolicy(KeycloakAdmin admin, String realm) {
        admin.request().body(Map.of("profiles", List.of(Map.of("name", "guard-network-bound",
                        "description", "Refresh and userinfo only from the session's network",
                        "executors", List.of(Map.of("executor", "guard-network-binding", "configuration",
                                Map.of("mode", "reject", "ipv4-prefix-bits", 24, "ipv6-prefix-bits", 64,
                                        "allowed-networks", List.of())))))))
                .put("/admin/realms/{realm}/client-policies/profiles", realm).then().statusCode(204);
        admin.request().body(Map.of("policies", List.of(Map.of("name", "guard-network-bound",
                        "description", "Clients with the attribute network-bound=true", "enabled", true,
                        "conditions", List.of(Map.of("condition", "client-attributes", "configuration",
                                Map.of("attributes", "[{\"key\":\"network-bound\",\"value\":\"true\"}]"))),
                        "profiles", List.of("guard-network-bound")))))
                .put("/admin/realms/{realm}/client-policies/policies", realm).then().statusCode(204);
    }

    private static List<String> createUsers(KeycloakAdmin admin, String realm, int count) {
        List<String> usernames = new ArrayList<>();
        List<Map<String, Object>> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String username = String.format("load-%04d", i);
            usernames.add(username);
            users.add(Map.of("username", username, "enabled", true, "email", username + "@example.test",
                    "emailVerified", true, "firstName", "Load", "lastName", "User " + i,
                    "credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false))));
        }
        for (int from = 0; from < users.size(); from += 200) {
            admin.request().body(Map.of("users", users.subList(from, Math.min(from + 200, users.size())),
                            "ifResourceExists", "FAIL"))
                    .post("/admin/realms/{realm}/partialImport", realm).then().statusCode(200);
        }
        return usernames;
    }

    /** One sign-in through the enrollment client: the device cookie it set; the session is logged out again. */
    private static LoadDriver.Cookie enrollDevice(String baseUrl, String realm, String username) {
        BrowserSession browser = new BrowserSession(baseUrl);
        Map<String, Object> tokens = browser.login(realm, ENROLL_CLIENT, REDIRECT, username, PASSWORD);
        Map.Entry<String, String> device = browser.cookieWithPath(DEVICE_COOKIE);
        if (device == null) {
            throw new IllegalStateException("The enrollment sign-in of " + username + " set no device cookie");
        }
        Tokens.logout(baseUrl, realm, ENROLL_CLIENT, tokens.get("refresh_token"));
        return new LoadDriver.Cookie(device.getKey(), DEVICE_COOKIE, device.getValue());
    }
}
