package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/**
 * A public client whose browser and direct-grant flows are copies of Keycloak's with the session
 * limiter added, configured as an admin would in the console.
 */
record LimitedClient(KeycloakAdmin admin, String baseUrl, String realm, String clientId, String redirectUri, String browserExecution,
                     String directGrantExecution) {

    static final String LIMITER = "guard-session-limit";

    static LimitedClient create(GuardEnvironment env, String realm, String hint, Map<String, String> config) {
        return create(env, realm, hint, config, Map.of());
    }

    static LimitedClient create(GuardEnvironment env, String realm, String hint, Map<String, String> config,
                                Map<String, Object> clientExtra) {
        return create(env.admin(), env.baseUrl(), realm, hint, config, clientExtra);
    }

    static LimitedClient create(KeycloakAdmin admin, String baseUrl, String realm, String hint,
                                Map<String, String> config, Map<String, Object> clientExtra) {
        String name = hint + "-" + UUID.randomUUID().toString().substring(0, 6);
        AuthFlows flows = new AuthFlows(admin, realm);
        flows.copy("browser", name + "-browser");
        String browserExecution = flows.addRequired(name + "-browser forms", LIMITER);
        flows.copy("direct grant", name + "-dg");
        String dgExecution = flows.addRequired(name + "-dg", LIMITER);
        String redirectUri = "http://127.0.0.1:9/" + name + "/callback";
        flows.createClient(name, redirectUri, name + "-browser", name + "-dg", clientExtra);
        LimitedClient client = new LimitedClient(admin, baseUrl, realm, name, redirectUri, browserExecution, dgExecution);
        client.configure(config.entrySet().stream().map(e -> Map.entry(e.getKey(),
                e.getValue().replace("${client}", name))).collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                Map.Entry::getValue)));
        return client;
    }

    /** Saves the limiter's config on both flows; fails unless Keycloak accepts it. */
    void configure(Map<String, String> config) {
        AuthFlows flows = new AuthFlows(admin, realm);
        for (String execution : List.of(browserExecution, directGrantExecution)) {
            flows.saveAcceptedConfig(execution, "limit-" + UUID.randomUUID().toString().substring(0, 8), config);
        }
    }

    Response passwordGrant(String username, String password) {
        return passwordGrantOn(baseUrl, username, password);
    }

    /** With the user's right password: Keycloak's refusal while it still records the user's last login is retried. */
    Response rightPasswordGrant(String username, String password) {
        return Tokens.rightPasswordGrantResponse(baseUrl, realm, clientId, username, password);
    }

    /** On one node of a cluster. */
    Response passwordGrantOn(String nodeBaseUrl, String username, String password) {
        return Tokens.passwordGrantResponse(nodeBaseUrl, realm, clientId, username, password);
    }

    Map<String, Object> login(String username, String password) {
        Response response = rightPasswordGrant(username, password);
        if (response.statusCode() != 200) {
            throw new AssertionError("Login of " + username + " to " + clientId + " failed: " + response.statusCode()
                    + " " + response.asString());
        }
        return response.as(Map.class);
    }

    /** Logs in until the limiter says no; returns how many logins it let through (at most {@code max}). */
    int loginsAllowed(String username, String password, int max) {
        for (int i = 0; i < max; i++) {
            Response response = rightPasswordGrant(username, password);
            if (response.statusCode() != 200) {
                if (!response.asString().contains("Session limit reached")) {
                    throw new AssertionError("Unexpected refusal: " + response.asString());
                }
                return i;
            }
        }
        return max;
    }

    Response refresh(Object refreshToken) {
        return given().formParam("grant_type", "refresh_token").formParam("client_id", clientId)
                .formParam("refresh_token", refreshToken).post(Tokens.tokenEndpoint(baseUrl, realm));
    }
}
