package io.keycloakguard.it.notify;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.SmtpServer;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A realm of its own for the new-device email tests: one public client, saved events, optionally SMTP. */
final class NotifyRealm {

    static final String PASSWORD = "Correct-horse-42";
    static final String NEW_PASSWORD = "Battery-staple-43";
    static final String CLIENT = "web";
    static final String REDIRECT = "http://127.0.0.1:3000/cb";
    static final String FROM = "guard@example.test";

    final GuardEnvironment env;
    final String name;

    private NotifyRealm(GuardEnvironment env, String name) {
        this.env = env;
        this.name = name;
    }

    /** Creates the realm; with {@code smtp}, its email settings point at that server. */
    static NotifyRealm create(GuardEnvironment env, String hint, SmtpServer smtp) {
        String name = hint + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> realm = new java.util.HashMap<>(Map.of(
                "realm", name,
                "enabled", true,
                // Tests act as browsers at public addresses (X-Forwarded-For) over plain HTTP.
                "sslRequired", "none",
                "eventsEnabled", true,
                "enabledEventTypes", List.of("LOGIN", "LOGIN_ERROR", "EXECUTE_ACTION_TOKEN", "EXECUTE_ACTION_TOKEN_ERROR",
                        "UPDATE_PASSWORD"),
                "clients", List.of(Map.of("clientId", CLIENT, "publicClient", true, "standardFlowEnabled", true,
                        "directAccessGrantsEnabled", true, "redirectUris", List.of(REDIRECT)))));
        if (smtp != null) {
            realm.put("smtpServer", smtp.realmSettings(FROM));
        }
        Response response = env.admin().request().body(realm).post("/admin/realms");
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Creating realm " + name + " failed: " + response.asString());
        }
        return new NotifyRealm(env, name);
    }

    String id() {
        return env.admin().request().get("/admin/realms/{realm}", name).then().statusCode(200).extract().path("id");
    }

    String createUser(String hint) {
        return env.admin().createUser(name, hint, PASSWORD);
    }

    String baseUrl() {
        return env.baseUrl();
    }

    /** A password grant with offline_access: an offline session (and its online twin). */
    Map<String, Object> offlineLogin(String username) {
        Response response = io.restassured.RestAssured.given()
                .formParam("grant_type", "password").formParam("client_id", CLIENT)
                .formParam("username", username).formParam("password", PASSWORD)
                .formParam("scope", "openid offline_access")
                .post(Tokens.tokenEndpoint(env.baseUrl(), name));
        if (response.statusCode() != 200) {
            throw new AssertionError("Offline login failed: " + response.statusCode() + " " + response.asString());
        }
        return response.as(Map.class);
    }

    Response refresh(Object refreshToken) {
        return io.restassured.RestAssured.given()
                .formParam("grant_type", "refresh_token").formParam("client_id", CLIENT)
                .formParam("refresh_token", refreshToken)
                .post(Tokens.tokenEndpoint(env.baseUrl(), name));
    }

    List<Map<String, Object>> sessions(String userId) {
        return env.admin().request().get("/admin/realms/{realm}/users/{id}/sessions", name, userId)
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    List<Map<String, Object>> offlineSessions(String userId) {
        String clientUuid = env.admin().request().get("/admin/realms/{realm}/clients?clientId={c}", name, CLIENT)
                .then().statusCode(200).extract().path("[0].id");
        return env.admin().request()
                .get("/admin/realms/{realm}/users/{id}/offline-sessions/{client}", name, userId, clientUuid)
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    List<String> requiredActions(String userId) {
        return env.admin().request().get("/admin/realms/{realm}/users/{id}", name, userId)
                .then().statusCode(200).extract().jsonPath().getList("requiredActions");
    }

    List<Map<String, Object>> events(String userId, String type) {
        return env.admin().request().get("/admin/realms/{realm}/events?user={user}&type={type}", name, userId, type)
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    /** Replaces the realm's email settings. */
    void smtp(Map<String, String> settings) {
        env.admin().request().body(Map.of("smtpServer", settings))
                .put("/admin/realms/{realm}", name).then().statusCode(204);
    }

    /** Lets users exist without an email address (Keycloak's default user profile requires one). */
    @SuppressWarnings("unchecked")
    void emailOptional() {
        Map<String, Object> profile = env.admin().request().get("/admin/realms/{realm}/users/profile", name)
                .then().statusCode(200).extract().as(Map.class);
        for (Map<String, Object> attribute : (List<Map<String, Object>>) profile.get("attributes")) {
            if ("email".equals(attribute.get("name"))) {
                attribute.remove("required");
            }
        }
        env.admin().request().body(profile).put("/admin/realms/{realm}/users/profile", name).then().statusCode(200);
    }

    /** The realm's name as Keycloak's emails show it when it has no display name. */
    String shownName() {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    void delete() {
        env.admin().request().delete("/admin/realms/{realm}", name);
    }

    static String unique(String hint) {
        return KeycloakAdmin.uniqueUsername(hint);
    }
}
