package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The guard-demo realm as the session-limit tests share it: the environment, its users, their sessions, groups and
 * roles. A test class calls {@link #use} once before it creates users.
 */
final class DemoRealm {

    static final String REALM = "guard-demo";
    static final String PASSWORD = "Correct-horse-42";

    static GuardEnvironment env;

    private DemoRealm() {
    }

    /** Points the helpers at the suite's Keycloak and stores the limiter's event types. */
    static void use(GuardEnvironment environment) {
        env = environment;
        storeLimiterEvents(environment);
    }

    /**
     * Keycloak 26 drops user attributes its user profile does not declare. The limit attribute is declared
     * as admins-only: a user who could edit it could lift their own limit.
     */
    @SuppressWarnings("unchecked")
    static void declareLimitAttribute(GuardEnvironment env) {
        Map<String, Object> profile = env.admin().request().get("/admin/realms/{realm}/users/profile", REALM)
                .then().statusCode(200).extract().as(Map.class);
        List<Map<String, Object>> attributes = new ArrayList<>((List<Map<String, Object>>) profile.get("attributes"));
        if (attributes.stream().noneMatch(a -> "guard.maxSessions".equals(a.get("name")))) {
            attributes.add(Map.of("name", "guard.maxSessions", "displayName", "Session limit",
                    "permissions", Map.of("view", List.of("admin"), "edit", List.of("admin")),
                    "multivalued", false));
            profile.put("attributes", attributes);
            env.admin().request().body(profile).put("/admin/realms/{realm}/users/profile", REALM)
                    .then().statusCode(200);
        }
    }

    /** Stores the event types the limiter records, so tests can read them back. */
    static void storeLimiterEvents(GuardEnvironment env) {
        Map<String, Object> events = env.admin().request().get("/admin/realms/{realm}/events/config", REALM)
                .then().statusCode(200).extract().as(Map.class);
        events.put("eventsEnabled", true);
        events.put("enabledEventTypes", List.of("LOGIN", "LOGIN_ERROR", "LOGOUT", "USER_SESSION_DELETED",
                "CODE_TO_TOKEN", "REFRESH_TOKEN"));
        env.admin().request().body(events).put("/admin/realms/{realm}/events/config", REALM).then().statusCode(204);
    }

    static String newUser(String hint) {
        return newUser(hint, Map.of());
    }

    static String newUser(String hint, Map<String, List<String>> attributes) {
        String username = KeycloakAdmin.uniqueUsername(hint);
        env.admin().createUser(REALM, username, PASSWORD, attributes);
        return username;
    }

    static String userId(String username) {
        return env.admin().request().get("/admin/realms/{realm}/users?exact=true&username={u}", REALM, username)
                .then().statusCode(200).extract().path("[0].id");
    }

    static List<String> sessionIds(String username) {
        return env.admin().request().get("/admin/realms/{realm}/users/{id}/sessions", REALM, userId(username))
                .then().statusCode(200).extract().jsonPath().getList("id");
    }

    static String sid(Map<String, Object> tokens) {
        return (String) Tokens.claims((String) tokens.get("access_token")).get("sid");
    }

    static String createGroup(String parentId, String name) {
        Response created = "/".equals(parentId)
                ? env.admin().request().body(Map.of("name", name)).post("/admin/realms/{realm}/groups", REALM)
                : env.admin().request().body(Map.of("name", name))
                        .post("/admin/realms/{realm}/groups/{id}/children", REALM, parentId);
        if (created.statusCode() == 201) {
            String location = created.header("Location");
            return location.substring(location.lastIndexOf('/') + 1);
        }
        String path = "/".equals(parentId) ? "/" + name : null;
        if (path != null) {
            return env.admin().request().get("/admin/realms/{realm}/group-by-path/{path}", REALM, name)
                    .then().statusCode(200).extract().path("id");
        }
        throw new AssertionError("Cannot create group " + name + ": " + created.asString());
    }

    static void joinGroup(String username, String groupId) {
        env.admin().request().put("/admin/realms/{realm}/users/{id}/groups/{group}", REALM, userId(username), groupId)
                .then().statusCode(204);
    }

    static void grantRealmRole(String username, String role) {
        Map<String, Object> representation = env.admin().request()
                .get("/admin/realms/{realm}/roles/{role}", REALM, role).then().statusCode(200).extract().as(Map.class);
        env.admin().request().body(List.of(representation))
                .post("/admin/realms/{realm}/users/{id}/role-mappings/realm", REALM, userId(username))
                .then().statusCode(204);
    }
}
