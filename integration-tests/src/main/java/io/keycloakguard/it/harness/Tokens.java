package io.keycloakguard.it.harness;

import io.restassured.response.Response;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** OIDC token endpoint calls. */
public final class Tokens {

    private Tokens() {
    }

    /**
     * Keycloak's status for a wrong password in the direct grant (invalid_grant, "Invalid user credentials"):
     * 400 since 26.7, 401 in 26.4 and 26.5.
     */
    public static int wrongPasswordStatus() {
        return KeycloakVersion.atLeast("26.7") ? 400 : 401;
    }

    public static String tokenEndpoint(String baseUrl, String realm) {
        return baseUrl + "/realms/" + realm + "/protocol/openid-connect/token";
    }

    /** The resource-owner password grant; fails the test unless Keycloak issues tokens. */
    public static Map<String, Object> passwordGrant(String baseUrl, String realm, String clientId, String username,
                                                    String password) {
        Response response = rightPasswordGrantResponse(baseUrl, realm, clientId, username, password);
        if (response.statusCode() != 200) {
            throw new AssertionError("Password grant for " + username + " in " + realm + " failed: "
                    + response.statusCode() + " " + response.asString());
        }
        return response.as(Map.class);
    }

    /** The payload of a JWT, unverified: for tests that inspect what Keycloak issued. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> claims(String jwt) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
                java.nio.charset.StandardCharsets.UTF_8);
        return new io.restassured.path.json.JsonPath(payload).getMap("");
    }

    /** Logs out at the OIDC logout endpoint with the refresh token, as a client does. */
    public static void logout(String baseUrl, String realm, String clientId, Object refreshToken) {
        given().formParam("client_id", clientId).formParam("refresh_token", refreshToken)
                .post(baseUrl + "/realms/" + realm + "/protocol/openid-connect/logout")
                .then().statusCode(204);
    }

    /** The refresh-token grant of a public client, whatever Keycloak answers. */
    public static Response refreshResponse(String baseUrl, String realm, String clientId, Object refreshToken) {
        return given().formParam("grant_type", "refresh_token").formParam("client_id", clientId)
                .formParam("refresh_token", refreshToken).post(tokenEndpoint(baseUrl, realm));
    }

    /** The OIDC logout endpoint with the refresh token, whatever Keycloak answers. */
    public static Response logoutResponse(String baseUrl, String realm, String clientId, Object refreshToken) {
        return given().formParam("client_id", clientId).formParam("refresh_token", refreshToken)
                .post(baseUrl + "/realms/" + realm + "/protocol/openid-connect/logout");
    }

    /**
     * The password grant with the user's right password, whatever Keycloak answers but one answer. Keycloak's
     * brute-force protector (its default, allowConcurrentRequests off) refuses a login of a user, as "Invalid user
     * credentials" (user_temporarily_disabled in its log), while it still records that user's previous successful
     * login, which it does on another thread after answering that login. A test that signs the same user in again
     * at once meets that refusal on a busy machine (seen on 26.7.3): such a refusal is retried a few times. It is
     * not counted as a failed login, so no lockout or failure count a test checks changes.
     */
    public static Response rightPasswordGrantResponse(String baseUrl, String realm, String clientId, String username,
                                                      String password) {
        Response response = passwordGrantResponse(baseUrl, realm, clientId, username, password);
        for (int retry = 1; retry <= 8 && isInvalidCredentials(response); retry++) {
            Await.sleep(Duration.ofMillis(250L * retry));
            response = passwordGrantResponse(baseUrl, realm, clientId, username, password);
        }
        return response;
    }

    private static boolean isInvalidCredentials(Response response) {
        return (response.statusCode() == 400 || response.statusCode() == 401)
                && response.asString().contains("Invalid user credentials");
    }

    public static Response passwordGrantResponse(String baseUrl, String realm, String clientId, String username,
                                                 String password) {
        return given()
                .formParam("grant_type", "password")
                .formParam("client_id", clientId)
                .formParam("username", username)
                .formParam("password", password)
                .formParam("scope", "openid")
                .post(tokenEndpoint(baseUrl, realm));
    }
}
