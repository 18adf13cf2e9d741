package io.keycloakguard.it.ratelimit;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** A public client of a {@link RateLimitRealm} whose flow has a rate-limit execution with its own config. */
record RateLimitedClient(RateLimitRealm realm, String clientId, String redirectUri, String flowAlias, String executionId,
                         String configAlias) {

    /** A request Keycloak never answers fails the test instead of hanging it. */
    private static final RestAssuredConfig TIMEOUTS = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
            .setParam("http.connection.timeout", 10_000).setParam("http.socket.timeout", 60_000));

    /** A password grant as the client at {@code address} (X-Forwarded-For from the trusted 127.0.0.1); null: no header. */
    Response passwordGrant(String address, String username, String password) {
        return passwordGrantOn(realm.baseUrl, address, username, password);
    }

    /** The same on one node of a cluster. */
    Response passwordGrantOn(String baseUrl, String address, String username, String password) {
        RequestSpecification request = given().config(TIMEOUTS);
        if (address != null) {
            request.header("X-Forwarded-For", address);
        }
        return request.formParam("grant_type", "password").formParam("client_id", clientId)
                .formParam("username", username).formParam("password", password).formParam("scope", "openid")
                .post(Tokens.tokenEndpoint(baseUrl, realm.name));
    }

    /** The authorization endpoint, as a browser reaches it when the app sends the user to log in. */
    String authorizationUrl() {
        return realm.baseUrl + "/realms/" + realm.name + "/protocol/openid-connect/auth?client_id=" + clientId
                + "&redirect_uri=" + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8)
                + "&response_type=code&scope=openid&state=s1&nonce=n1";
    }

    /** Replaces the execution's config, as an admin does in the console. */
    Response reconfigure(Map<String, String> config) {
        AuthFlows flows = new AuthFlows(realm.admin, realm.name);
        String configId = flows.configIdOf(flowAlias, executionId);
        return flows.updateConfig(configId, configAlias, config);
    }
}
