package io.keycloakguard.it.network;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/**
 * A realm of its own for the network tests, with the event types they read back stored, and the calls they
 * make "from" an address: the harness Keycloak trusts X-Forwarded-For from 127.0.0.1, where the tests run.
 */
record NetworkRealm(GuardEnvironment env, String name) {

    static final String PASSWORD = "Correct-horse-42";
    static final String XFF = "X-Forwarded-For";

    static NetworkRealm create(GuardEnvironment env, String hint) {
        return create(env, hint, Map.of());
    }

    /** With further realm settings, e.g. brute-force detection. */
    static NetworkRealm create(GuardEnvironment env, String hint, Map<String, Object> settings) {
        String name = "guard-" + hint + "-" + UUID.randomUUID().toString().substring(0, 6);
        KeycloakAdmin admin = env.admin();
        // Plain HTTP from "public" addresses: the tests' clients pretend to be on the internet.
        Map<String, Object> realm = new java.util.HashMap<>(Map.of("realm", name, "enabled", true, "sslRequired", "none"));
        realm.putAll(settings);
        admin.request().body(realm).post("/admin/realms").then().statusCode(201);
        Map<String, Object> events = admin.request().get("/admin/realms/{realm}/events/config", name)
                .then().statusCode(200).extract().as(Map.class);
        events.put("eventsEnabled", true);
        events.put("enabledEventTypes", List.of("LOGIN", "LOGIN_ERROR", "REFRESH_TOKEN", "REFRESH_TOKEN_ERROR",
                "USER_INFO_REQUEST", "USER_INFO_REQUEST_ERROR", "LOGOUT"));
        admin.request().body(events).put("/admin/realms/{realm}/events/config", name).then().statusCode(204);
        return new NetworkRealm(env, name);
    }

    KeycloakAdmin admin() {
        return env.admin();
    }

    /** A new user with {@link #PASSWORD}; returns the user name. */
    String newUser(String hint) {
        String username = KeycloakAdmin.uniqueUsername(hint);
        admin().createUser(name, username, PASSWORD);
        return username;
    }

    String userId(String username) {
        return admin().request().get("/admin/realms/{realm}/users?exact=true&username={u}", name, username)
                .then().statusCode(200).extract().path("[0].id");
    }

    /** The user's online sessions as the admin console lists them (id, ipAddress, …). */
    List<Map<String, Object>> sessions(String username) {
        return admin().request().get("/admin/realms/{realm}/users/{id}/sessions", name, userId(username))
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    /** The stored events of a type for a user, newest first. */
    List<Map<String, Object>> events(String type, String username) {
        return admin().request().get("/admin/realms/{realm}/events?type={type}&user={user}", name, type, userId(username))
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    /** The stored events of a type for a client, newest first (a step before the user is known records no user). */
    List<Map<String, Object>> clientEvents(String type, String clientId) {
        return admin().request().get("/admin/realms/{realm}/events?type={type}&client={client}", name, type, clientId)
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    Response passwordGrantFrom(String ip, String clientId, String username) {
        return given().header(XFF, ip)
                .formParam("grant_type", "password").formParam("client_id", clientId)
                .formParam("username", username).formParam("password", PASSWORD).formParam("scope", "openid")
                .post(Tokens.tokenEndpoint(env.baseUrl(), name));
    }

    Map<String, Object> loginFrom(String ip, String clientId, String username) {
        Response response = passwordGrantFrom(ip, clientId, username);
        if (response.statusCode() != 200) {
            throw new AssertionError("Login of " + username + " from " + ip + " failed: " + response.statusCode() + " "
                    + response.asString());
        }
        return response.as(Map.class);
    }

    Response refreshFrom(String ip, String clientId, Object refreshToken) {
        return given().header(XFF, ip)
                .formParam("grant_type", "refresh_token").formParam("client_id", clientId)
                .formParam("refresh_token", refreshToken)
                .post(Tokens.tokenEndpoint(env.baseUrl(), name));
    }

    Response userinfoFrom(String ip, Object accessToken) {
        return given().header(XFF, ip).auth().oauth2(accessToken.toString())
                .get(env.baseUrl() + "/realms/" + name + "/protocol/openid-connect/userinfo");
    }

    String tokenPath() {
        return "/realms/" + name + "/protocol/openid-connect/token";
    }
}
