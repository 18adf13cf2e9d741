package io.keycloakguard.it.notify;

import io.keycloakguard.it.devices.KnownDevicesAdmin;
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
    /** The Keycloak the realm lives on: the suite's, or a scratch one. */
    final KeycloakAdmin admin;
    final String baseUrl;
    final String name;

    private NotifyRealm(GuardEnvironment env, KeycloakAdmin admin, String baseUrl, String name) {
        this.env = env;
        this.admin = admin;
        this.baseUrl = baseUrl;
        this.name = name;
    }

    /**
     * Creates the realm; with {@code smtp}, its email settings point at that server. Its Frontend URL is the
     * harness Keycloak's address: the harness runs with a dynamic hostname, and the pack puts links into emails
     * only when the hostname or the realm's Frontend URL is configured.
     */
    static NotifyRealm create(GuardEnvironment env, String hint, SmtpServer smtp) {
        return create(env, hint, smtp, env.baseUrl());
    }

    /** As {@link #create}, with {@code frontendUrl} null for a realm that follows the dynamic hostname. */
    static NotifyRealm create(GuardEnvironment env, String hint, SmtpServer smtp, String frontendUrl) {
        return create(env, env.admin(), env.baseUrl(), hint, smtp, frontendUrl);
    }

    /** On another Keycloak than the suite's (e.g. a scratch one started with other options). */
    static NotifyRealm create(GuardEnvironment env, KeycloakAdmin admin, String baseUrl, String hint, SmtpServer smtp,
                              String frontendUrl) {
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
        if (frontendUrl != null) {
            realm.put("attributes", Map.of("frontendUrl", frontendUrl));
        }
        Response response = admin.request().body(realm).post("/admin/realms");
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Creating realm " + name + " failed: " + response.asString());
        }
        return new NotifyRealm(env, admin, baseUrl, name);
    }

    String id() {
        return admin.request().get("/admin/realms/{realm}", name).then().statusCode(200).extract().path("id");
    }

    String createUser(String hint) {
        return admin.createUser(name, hint, PASSWORD);
    }

    String baseUrl() {
        return baseUrl;
    }

    /** A password grant with offline_access: an offline session (and its online twin). */
    Map<String, Object> offlineLogin(String username) {
        Response response = io.restassured.RestAssured.given()
                .formParam("grant_type", "password").formParam("client_id", CLIENT)
                .formParam("username", username).formParam("password", PASSWORD)
                .formParam("scope", "openid offline_access")
                .post(Tokens.tokenEndpoint(baseUrl, name));
        if (response.statusCode() != 200) {
            throw new AssertionError("Offline login failed: " + response.statusCode() + " " + response.asString());
        }
        return response.as(Map.class);
    }

    Response refresh(Object refreshToken) {
        return io.restassured.RestAssured.given()
                .formParam("grant_type", "refresh_token").formParam("client_id", CLIENT)
                .formParam("refresh_token", refreshToken)
                .post(Tokens.tokenEndpoint(baseUrl, name));
    }

    List<Map<String, Object>> sessions(String userId) {
        return admin.request().get("/admin/realms/{realm}/users/{id}/sessions", name, userId)
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    List<Map<String, Object>> offlineSessions(String userId) {
        String clientUuid = admin.request().get("/admin/realms/{realm}/clients?clientId={c}", name, CLIENT)
                .then().statusCode(200).extract().path("[0].id");
        return admin.request()
                .get("/admin/realms/{realm}/users/{id}/offline-sessions/{client}", name, userId, clientUuid)
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    List<String> requiredActions(String userId) {
        return admin.request().get("/admin/realms/{realm}/users/{id}", name, userId)
                .then().statusCode(200).extract().jsonPath().getList("requiredActions");
    }

    List<Map<String, Object>> events(String userId, String type) {
        return admin.request().get("/admin/realms/{realm}/events?user={user}&type={type}", name, userId, type)
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    /** The user's consents (and offline grants) as the admin console lists them. */
    List<Map<String, Object>> consents(String userId) {
        return admin.request().get("/admin/realms/{realm}/users/{id}/consents", name, userId)
                .then().statusCode(200).extract().jsonPath().getList("");
    }

    List<Map<String, Object>> devices(String userId) {
        return KnownDevicesAdmin.devices(admin, name, userId);
    }

    List<Map<String, Object>> logins(String userId) {
        return KnownDevicesAdmin.logins(admin, name, userId);
    }

    /** Adds event listeners to the realm's (e.g. guard-audit). */
    void addEventListeners(String... listeners) {
        Map<?, ?> config = admin.request().get("/admin/realms/{realm}/events/config", name)
                .then().statusCode(200).extract().as(Map.class);
        List<Object> all = new java.util.ArrayList<>((List<?>) config.get("eventsListeners"));
        all.addAll(List.of(listeners));
        admin.request().body(Map.of("eventsListeners", all, "eventsEnabled", true,
                        "enabledEventTypes", config.get("enabledEventTypes")))
                .put("/admin/realms/{realm}/events/config", name).then().statusCode(204);
    }

    /** Replaces the realm's email settings. */
    void smtp(Map<String, String> settings) {
        admin.request().body(Map.of("smtpServer", settings))
                .put("/admin/realms/{realm}", name).then().statusCode(204);
    }

    /** Lets users exist without an email address (Keycloak's default user profile requires one). */
    @SuppressWarnings("unchecked")
    void emailOptional() {
        Map<String, Object> profile = admin.request().get("/admin/realms/{realm}/users/profile", name)
                .then().statusCode(200).extract().as(Map.class);
        for (Map<String, Object> attribute : (List<Map<String, Object>>) profile.get("attributes")) {
            if ("email".equals(attribute.get("name"))) {
                attribute.remove("required");
            }
        }
        admin.request().body(profile).put("/admin/realms/{realm}/users/profile", name).then().statusCode(200);
    }

    /** The realm's name as Keycloak's emails show it when it has no display name. */
    String shownName() {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    void delete() {
        admin.request().delete("/admin/realms/{realm}", name);
    }

    static String unique(String hint) {
        return KeycloakAdmin.uniqueUsername(hint);
    }
}
