package io.keycloakguard.it.devices;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.KeycloakAdmin;
import org.apache.commons.codec.binary.Base32;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A realm whose browser flow steps up to OTP only for a new device or network, as an admin builds it in the
 * console: a copy of "browser" whose built-in conditional OTP is disabled, a conditional subflow
 * ("Condition - new device or network" + "OTP Form"), and "Guard: remember device" at the end of the forms.
 */
final class DeviceRealm {

    static final String PASSWORD = "Correct-horse-42";
    static final String CLIENT = "devices-app";
    static final String REDIRECT = "http://127.0.0.1:3000/callback";
    static final String FLOW = "devices-browser";
    static final String FORMS = FLOW + " forms";
    static final String STEP_UP = "devices-step-up";

    final KeycloakAdmin admin;
    final String baseUrl;
    final String name;
    final AuthFlows flows;
    final String conditionExecution;

    private DeviceRealm(KeycloakAdmin admin, String baseUrl, String name, AuthFlows flows, String conditionExecution) {
        this.admin = admin;
        this.baseUrl = baseUrl;
        this.name = name;
        this.flows = flows;
        this.conditionExecution = conditionExecution;
    }

    static DeviceRealm create(KeycloakAdmin admin, String baseUrl, Map<String, String> conditionConfig) {
        return create(admin, baseUrl, conditionConfig, null);
    }

    /**
     * With {@code limiterConfig}, "Guard: session limit" follows the recorder at the end of the forms, as
     * docs/admin-guide.md places it: a step that can still refuse the sign-in after the recorder ran.
     */
    static DeviceRealm create(KeycloakAdmin admin, String baseUrl, Map<String, String> conditionConfig,
                              Map<String, String> limiterConfig) {
        String name = "guard-devices-" + UUID.randomUUID().toString().substring(0, 6);
        // One OTP code may serve two sign-ins within its 30 s: the test signs in several times a minute.
        // sslRequired none: the tests act as clients on public addresses (X-Forwarded-For) over plain HTTP.
        admin.request().body(Map.of("realm", name, "enabled", true, "bruteForceProtected", false,
                        "otpPolicyCodeReusable", true, "sslRequired", "none"))
                .post("/admin/realms").then().statusCode(201);
        // Keycloak applies OTP policy fields only together with the policy type.
        admin.request().body(Map.of("otpPolicyType", "totp", "otpPolicyAlgorithm", "HmacSHA1", "otpPolicyDigits", 6,
                        "otpPolicyPeriod", 30, "otpPolicyLookAheadWindow", 1, "otpPolicyCodeReusable", true))
                .put("/admin/realms/{realm}", name).then().statusCode(204);
        Map<?, ?> created = admin.request().get("/admin/realms/{realm}", name).then().statusCode(200).extract().as(Map.class);
        assertTrue(Boolean.TRUE.equals(created.get("otpPolicyCodeReusable")), "OTP codes reusable: " + created.get("otpPolicyCodeReusable"));
        AuthFlows flows = new AuthFlows(admin, name);
        flows.copy("browser", FLOW);
        for (Map<String, Object> e : flows.executions(FLOW)) {
            if (Boolean.TRUE.equals(e.get("authenticationFlow")) && ((Number) e.get("level")).intValue() == 1) {
                flows.setRequirement(FLOW, e, "DISABLED"); // the built-in "OTP if configured" subflow
            }
        }
        flows.addSubflow(FORMS, STEP_UP, "CONDITIONAL");
        String condition = flows.addRequired(STEP_UP, "guard-condition-new-device");
        flows.addRequired(STEP_UP, "auth-otp-form");
        if (!conditionConfig.isEmpty()) {
            flows.saveConfig(condition, "new-device-" + name, conditionConfig).then().statusCode(201);
        }
        flows.addRequired(FORMS, "guard-device-recorder");
        if (limiterConfig != null) {
            String limiter = flows.addRequired(FORMS, "guard-session-limit");
            flows.saveAcceptedConfig(limiter, "limit-" + name, limiterConfig);
        }
        flows.createClient(CLIENT, REDIRECT, FLOW, null, Map.of());
        return new DeviceRealm(admin, baseUrl, name, flows, condition);
    }

    String createUser(String hint) {
        return admin.createUser(name, KeycloakAdmin.uniqueUsername(hint), PASSWORD);
    }

    String username(String userId) {
        return admin.request().get("/admin/realms/{realm}/users/{id}", name, userId).then().statusCode(200)
                .extract().path("username");
    }

    /** A fresh browser (no cookies) at the given client address. */
    BrowserSession browser(String clientAddress) {
        return new BrowserSession(baseUrl).forwardedFor(clientAddress);
    }

    /** A fresh browser that carries over only the device cookie of an earlier one. */
    BrowserSession sameDevice(BrowserSession earlier, String clientAddress) {
        Map.Entry<String, String> device = earlier.cookieWithPath("KC_GUARD_DEVICE");
        assertNotNull(device, "the earlier browser has a device cookie: " + earlier.cookies());
        return browser(clientAddress).cookie(device.getKey(), "KC_GUARD_DEVICE", device.getValue());
    }

    /** What one sign-in through the browser flow asked for. */
    record SignIn(BrowserSession.LoginPage page, BrowserSession.Outcome afterPassword, boolean otpAsked,
                  BrowserSession.Outcome end) {
    }

    /**
     * Signs in; answers the OTP setup (first time, remembering the secret in {@code otpSecret}) or the OTP
     * prompt with a code computed by googleauth.
     */
    SignIn signIn(BrowserSession browser, String username, String[] otpSecret) {
        BrowserSession.LoginPage page = browser.openLoginPage(name, CLIENT, REDIRECT);
        BrowserSession.Outcome outcome = browser.submitCredentials(page, username, PASSWORD);
        BrowserSession.Outcome afterPassword = outcome;
        boolean otpAsked = false;
        if (outcome.code() == null && outcome.body() != null) {
            Matcher setup = Pattern.compile("name=\"totpSecret\" value=\"([^\"]+)\"").matcher(outcome.body());
            if (setup.find()) {
                otpSecret[0] = setup.group(1);
                otpAsked = true;
                outcome = browser.submitForm(BrowserSession.formAction(outcome.body()),
                        Map.of("totp", code(otpSecret[0]), "totpSecret", otpSecret[0], "userLabel", "phone"));
            } else if (outcome.body().contains("name=\"otp\"")) {
                otpAsked = true;
                assertNotNull(otpSecret[0], "OTP asked before it was set up");
                outcome = browser.submitForm(BrowserSession.formAction(outcome.body()), Map.of("otp", code(otpSecret[0])));
            }
        }
        assertTrue(outcome.code() != null, "the sign-in should end at the app: " + outcome.status() + " " + outcome.body());
        return new SignIn(page, afterPassword, otpAsked, outcome);
    }

    static String code(String secret) {
        String base32 = new Base32().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        return String.format("%06d", new com.warrenstrange.googleauth.GoogleAuthenticator().getTotpPassword(base32));
    }

    /** Signs in and exchanges the code: the user's tokens. */
    Map<String, Object> tokens(BrowserSession browser, String username, String[] otpSecret) {
        SignIn signIn = signIn(browser, username, otpSecret);
        return browser.exchangeCode(signIn.page(), signIn.end().code());
    }

    List<Map<String, Object>> devices(String userId) {
        return KnownDevicesAdmin.devices(admin, name, userId);
    }

    List<Map<String, Object>> logins(String userId) {
        return KnownDevicesAdmin.logins(admin, name, userId);
    }

    void updateConditionConfig(Map<String, String> config) {
        String configId = flows.configIdOf(STEP_UP, conditionExecution);
        if (configId == null) {
            flows.saveConfig(conditionExecution, "new-device-" + name, config).then().statusCode(201);
        } else {
            flows.updateConfig(configId, "new-device-" + name, new HashMap<>(config)).then().statusCode(204);
        }
    }
}
