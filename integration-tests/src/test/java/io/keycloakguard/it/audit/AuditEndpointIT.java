package io.keycloakguard.it.audit;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin query endpoint: view-events or 403, filters by user, type and time, and the revocation history. */
@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class AuditEndpointIT {

    static AuditRealm realm;

    @BeforeAll
    static void create(GuardEnvironment env) {
        realm = AuditRealm.create(env, "endpoint");
    }

    @AfterAll
    static void delete() {
        if (realm != null) {
            realm.delete();
        }
    }

    private static String tokenOf(GuardEnvironment env, String userId) {
        return (String) Tokens.passwordGrant(env.baseUrl(), realm.name, AuditRealm.CLIENT, realm.username(userId),
                AuditRealm.PASSWORD).get("access_token");
    }

    private static String url(GuardEnvironment env, String path) {
        return env.baseUrl() + "/admin/realms/" + realm.name + "/guard-audit/" + path;
    }

    @Test
    void readingRecordsNeedsViewEvents(GuardEnvironment env) {
        String plain = realm.createUser("plain");
        String token = tokenOf(env, plain);
        for (String path : List.of("records", "users/" + plain + "/revocations", "chain")) {
            given().auth().oauth2(token).get(url(env, path)).then().statusCode(403);
        }
        given().get(url(env, "records")).then().statusCode(401);

        String auditor = realm.createUser("auditor");
        env.admin().grantClientRole(realm.name, auditor, "realm-management", "view-events");
        String auditorToken = tokenOf(env, auditor);
        given().auth().oauth2(auditorToken).get(url(env, "records")).then().statusCode(200);
        given().auth().oauth2(auditorToken).get(url(env, "chain")).then().statusCode(200);
    }

    @Test
    void filtersByUserTypeAndTime(GuardEnvironment env) {
        String a = realm.createUser("filter-a");
        String b = realm.createUser("filter-b");
        long start = System.currentTimeMillis();
        tokenOf(env, a);
        tokenOf(env, a);
        tokenOf(env, b);
        Await.until(() -> realm.records(Map.of("user", a, "type", "LOGIN")).size() == 2
                        && realm.records(Map.of("user", b, "type", "LOGIN")).size() == 1,
                Duration.ofSeconds(30), "the logins are chained");
        List<Map<String, Object>> ofA = realm.records(Map.of("user", a));
        assertTrue(ofA.stream().allMatch(r -> a.equals(r.get("userId"))), ofA.toString());
        List<Map<String, Object>> logins = realm.records(Map.of("type", "LOGIN", "from", start));
        assertEquals(3, logins.size(), logins.toString());
        assertTrue(((Number) logins.get(0).get("seq")).longValue() > ((Number) logins.get(2).get("seq")).longValue(),
                "newest first");
        assertEquals(1, realm.records(Map.of("type", "LOGIN", "from", start, "max", 1)).size());
        assertEquals(2, realm.records(Map.of("type", "LOGIN", "from", start, "first", 1)).size());
        assertEquals(0, realm.records(Map.of("type", "LOGIN", "to", start - 1)).stream()
                .filter(r -> a.equals(r.get("userId"))).count());
        env.admin().request().queryParam("from", "yesterday").get("/admin/realms/{realm}/guard-audit/records", realm.name)
                .then().statusCode(400);
        env.admin().request().queryParam("max", "-5").get("/admin/realms/{realm}/guard-audit/records", realm.name)
                .then().statusCode(400);
    }

    @Test
    void revocationHistoryOfAUser(GuardEnvironment env) {
        String userId = realm.createUser("revoked");
        String bystander = realm.createUser("bystander");
        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), realm.name, AuditRealm.CLIENT,
                realm.username(userId), AuditRealm.PASSWORD);
        tokenOf(env, bystander);
        env.admin().request().post("/admin/realms/{realm}/users/{id}/logout", realm.name, userId).then().statusCode(204);
        Await.until(() -> !history(env, userId).isEmpty(), Duration.ofSeconds(30), "the revocation is in the history");
        Map<String, Object> revocation = history(env, userId).get(0);
        assertEquals("GUARD_REVOCATION_ISSUED", revocation.get("type"));
        assertEquals("signal", revocation.get("kind"));
        assertEquals("revocation.issued", revocation.get("signal"));
        assertEquals(userId, revocation.get("userId"));
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) revocation.get("details");
        assertEquals("user", details.get("revocation_kind"));
        assertEquals("admin-logout-user", details.get("reason"));
        assertTrue(((Number) revocation.get("time")).longValue() > 0);
        assertTrue(history(env, bystander).isEmpty(), "nothing revoked for the bystander");
        assertTrue(tokens.get("access_token") != null);
    }

    @Test
    void aLogoutIsInTheUsersRevocationHistory(GuardEnvironment env) {
        // Keycloak sends LOGOUT after it removed the session, so the record takes the user from the event.
        String userId = realm.createUser("loggedout");
        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), realm.name, AuditRealm.CLIENT,
                realm.username(userId), AuditRealm.PASSWORD);
        Tokens.logout(env.baseUrl(), realm.name, AuditRealm.CLIENT, tokens.get("refresh_token"));
        Await.until(() -> history(env, userId).stream().anyMatch(r -> "logout".equals(details(r).get("reason"))),
                Duration.ofSeconds(30), "the logout's revocation is in the user's history: " + history(env, userId));
        Map<String, Object> revocation = history(env, userId).get(0);
        assertEquals(userId, revocation.get("userId"));
        assertEquals("session", details(revocation).get("revocation_kind"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(Map<String, Object> record) {
        return (Map<String, Object>) record.get("details");
    }

    private static List<Map<String, Object>> history(GuardEnvironment env, String userId) {
        return env.admin().request().get("/admin/realms/{realm}/guard-audit/users/{id}/revocations", realm.name, userId)
                .then().statusCode(200).extract().jsonPath().getList("$");
    }
}
