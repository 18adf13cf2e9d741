package io.keycloakguard.it.harness;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Admin REST calls the tests need, as the bootstrap admin of the master realm. */
public final class KeycloakAdmin {

    private final KeycloakServer keycloak;
    private String token;
    private Instant tokenExpires = Instant.EPOCH;

    KeycloakAdmin(KeycloakServer keycloak) {
        this.keycloak = keycloak;
    }

    /** Admin REST calls on any Keycloak of the harness, e.g. a node of a {@link KeycloakCluster}. */
    public static KeycloakAdmin of(KeycloakServer keycloak) {
        return new KeycloakAdmin(keycloak);
    }

    /** A request with the admin's bearer token and the server's base URI. */
    public synchronized RequestSpecification request() {
        if (Instant.now().isAfter(tokenExpires)) {
            // The lifetime counts from before the request (Keycloak may answer it late on a crowded machine), and
            // only half of it is used: a request built now may reach Keycloak many seconds later there.
            Instant asked = Instant.now();
            Map<String, Object> tokens = Tokens.passwordGrant(keycloak.baseUrl(), "master", "admin-cli",
                    keycloak.adminUsername(), keycloak.adminPassword());
            token = (String) tokens.get("access_token");
            int expiresIn = ((Number) tokens.get("expires_in")).intValue();
            tokenExpires = asked.plusSeconds(Math.max(1, expiresIn / 2));
        }
        return given().baseUri(keycloak.baseUrl()).auth().oauth2(token).contentType(ContentType.JSON);
    }

    /** Creates an enabled user with a password and no required actions; returns its id. */
    public String createUser(String realm, String username, String password) {
        return createUser(realm, username, password, Map.of());
    }

    public String createUser(String realm, String username, String password, Map<String, List<String>> attributes) {
        Response response = request()
                .body(Map.of(
                        "username", username,
                        "enabled", true,
                        "email", username + "@example.test",
                        "emailVerified", true,
                        "firstName", "Test",
                        "lastName", "User",
                        "attributes", attributes,
                        "credentials", List.of(Map.of("type", "password", "value", password, "temporary", false))))
                .post("/admin/realms/{realm}/users", realm);
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Creating user " + username + " failed: " + response.statusCode() + " "
                    + response.asString());
        }
        String location = response.header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** A user name no other test or run uses. */
    public static String uniqueUsername(String hint) {
        return hint + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Grants a client role (e.g. realm-management's view-realm) to a user. */
    public void grantClientRole(String realm, String userId, String clientId, String roleName) {
        String clientUuid = request().get("/admin/realms/{realm}/clients?clientId={clientId}", realm, clientId)
                .then().statusCode(200).extract().path("[0].id");
        Map<String, Object> role = request()
                .get("/admin/realms/{realm}/clients/{client}/roles/{role}", realm, clientUuid, roleName)
                .then().statusCode(200).extract().as(Map.class);
        request().body(List.of(role))
                .post("/admin/realms/{realm}/users/{user}/role-mappings/clients/{client}", realm, userId, clientUuid)
                .then().statusCode(204);
    }
}
