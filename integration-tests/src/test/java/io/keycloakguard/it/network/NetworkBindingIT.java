package io.keycloakguard.it.network;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.RevocationClient;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The network binding of refresh tokens and userinfo (executor guard-network-binding) through the real
 * Keycloak: tokens are obtained from network A and used from network B in each mode.
 */
@ExtendWith(KeycloakGuardExtension.class)
class NetworkBindingIT {

    static final String A = "203.0.113.10";
    static final String A_SAME_24 = "203.0.113.99";
    static final String B = "198.51.100.20";
    static final String ALLOWED = "192.0.2.55";

    static NetworkRealm realm;
    static BindingProfiles profiles;
    static RedisClient jedis;
    static RevocationClient revocations;

    @BeforeAll
    static void setUp(GuardEnvironment env) {
        realm = NetworkRealm.create(env, "netbind");
        profiles = new BindingProfiles(realm);
        profiles.add("nb-log", Map.of("mode", "log"));
        profiles.add("nb-reject", Map.of("mode", "reject", "allowed-networks", List.of("192.0.2.0/24")));
        profiles.add("nb-end", Map.of("mode", "end-session", "ipv4-prefix-bits", 24));
        jedis = RedisClient.create(env.redis().url());
        revocations = RevocationClient.builder(jedis, realm.name()).keyPrefix(env.keyPrefix())
                .pollBlock(Duration.ofMillis(200)).start();
    }

    @AfterAll
    static void tearDown() {
        if (revocations != null) {
            revocations.close();
        }
        if (jedis != null) {
            jedis.close();
        }
    }

    /** A user logged in from A through a client of the profile; the session was created from A. */
    record LoggedIn(String clientId, String username, Map<String, Object> tokens) {
        Object refreshToken() {
            return tokens.get("refresh_token");
        }

        Object accessToken() {
            return tokens.get("access_token");
        }

        String sid() {
            return (String) Tokens.claims((String) accessToken()).get("sid");
        }
    }

    static LoggedIn loginFromA(String profile, String hint) {
        String clientId = profiles.client(profile);
        String username = realm.newUser(hint);
        Map<String, Object> tokens = realm.loginFrom(A, clientId, username);
        List<Map<String, Object>> sessions = realm.sessions(username);
        assertEquals(1, sessions.size());
        assertEquals(A, sessions.get(0).get("ipAddress"), "the session must be created from A");
        return new LoggedIn(clientId, username, tokens);
    }

    static Map<String, Object> onlyMismatchEvent(String type, LoggedIn user) {
        List<Map<String, Object>> mismatches = realm.events(type, user.username()).stream()
                .filter(e -> "guard_network_mismatch".equals(e.get("error"))).toList();
        assertEquals(1, mismatches.size(), "mismatch events: " + mismatches);
        return mismatches.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> details(Map<String, Object> event) {
        return (Map<String, Object>) event.get("details");
    }

    @Test
    void logModeLetsTheRefreshThroughAndRecordsTheMismatch() {
        LoggedIn user = loginFromA("nb-log", "log");
        Response refreshed = realm.refreshFrom(B, user.clientId(), user.refreshToken());
        assertEquals(200, refreshed.statusCode(), refreshed.asString());

        Map<String, Object> event = onlyMismatchEvent("REFRESH_TOKEN_ERROR", user);
        assertEquals(B, event.get("ipAddress"));
        assertEquals(user.sid(), event.get("sessionId"));
        assertEquals(user.clientId(), event.get("clientId"));
        Map<String, Object> details = details(event);
        assertEquals(A, details.get("session_ip"));
        assertEquals(B, details.get("request_ip"));
        assertEquals("logged", details.get("action"));
        assertEquals("different-network", details.get("reason"));
        assertEquals(1, realm.sessions(user.username()).size());
    }

    @Tag("compat")
    @Test
    void rejectModeRefusesTheRefreshAndKeepsTheSession() {
        LoggedIn user = loginFromA("nb-reject", "reject");
        Response refused = realm.refreshFrom(B, user.clientId(), user.refreshToken());
        assertEquals(400, refused.statusCode(), refused.asString());
        assertEquals("invalid_grant", refused.jsonPath().getString("error"));

        assertEquals("rejected", details(onlyMismatchEvent("REFRESH_TOKEN_ERROR", user)).get("action"));
        assertEquals(List.of(user.sid()), realm.sessions(user.username()).stream().map(s -> s.get("id")).toList());
        // The user on the session's own network carries on with the same refresh token.
        assertEquals(200, realm.refreshFrom(A, user.clientId(), user.refreshToken()).statusCode());
        assertFalse(revocations.isRevoked(Tokens.claims((String) user.accessToken())));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRejectedRefreshDoesNotReopenRefreshTokensRotationAlreadyRetired(GuardEnvironment env) {
        // With refresh-token rotation, a token used once is retired. A refresh the executor rejects is rolled back
        // with its request; it must not bring an already retired token back to life.
        env.admin().request().body(Map.of("revokeRefreshToken", true, "refreshTokenMaxReuse", 0))
                .put("/admin/realms/{realm}", realm.name()).then().statusCode(204);
        try {
            LoggedIn user = loginFromA("nb-reject", "rotation");
            Response second = realm.refreshFrom(A, user.clientId(), user.refreshToken());
            assertEquals(200, second.statusCode(), second.asString());
            Object rt2 = second.jsonPath().getString("refresh_token");
            assertEquals(400, realm.refreshFrom(B, user.clientId(), rt2).statusCode(), "B is refused");
            Response reused = realm.refreshFrom(A, user.clientId(), user.refreshToken());
            assertEquals(400, reused.statusCode(), "the retired first token stays retired: " + reused.asString());
        } finally {
            env.admin().request().body(Map.of("revokeRefreshToken", false))
                    .put("/admin/realms/{realm}", realm.name()).then().statusCode(204);
        }
    }

    @Test
    void theSameNetworkIsTolerated() {
        LoggedIn user = loginFromA("nb-reject", "same24");
        Response refreshed = realm.refreshFrom(A_SAME_24, user.clientId(), user.refreshToken());
        assertEquals(200, refreshed.statusCode(), refreshed.asString());
        assertTrue(realm.events("REFRESH_TOKEN_ERROR", user.username()).isEmpty());
    }

    @Test
    void anAllowedNetworkIsTolerated() {
        LoggedIn user = loginFromA("nb-reject", "allowed");
        Response refreshed = realm.refreshFrom(ALLOWED, user.clientId(), user.refreshToken());
        assertEquals(200, refreshed.statusCode(), refreshed.asString());
        assertTrue(realm.events("REFRESH_TOKEN_ERROR", user.username()).isEmpty());
    }

    @Tag("compat")
    @Test
    void endSessionModeEndsAndRevokesTheSession() {
        LoggedIn user = loginFromA("nb-end", "end");
        Map<String, Object> claims = Tokens.claims((String) user.accessToken());
        assertFalse(revocations.isRevoked(claims));

        Response refused = realm.refreshFrom(B, user.clientId(), user.refreshToken());
        assertEquals(400, refused.statusCode(), refused.asString());
        assertEquals("invalid_grant", refused.jsonPath().getString("error"));

        assertEquals("session-ended", details(onlyMismatchEvent("REFRESH_TOKEN_ERROR", user)).get("action"));
        assertTrue(realm.sessions(user.username()).isEmpty(), "the session must be gone");
        Await.until(() -> revocations.isRevoked(claims), Duration.ofSeconds(15), "the session's tokens are revoked");
        // Not even the session's own network can use it any more.
        Response afterwards = realm.refreshFrom(A, user.clientId(), user.refreshToken());
        assertEquals(400, afterwards.statusCode(), afterwards.asString());
    }

    @Tag("compat")
    @Test
    void aForgedRefreshTokenNeverEndsTheSessionItNames() {
        LoggedIn victim = loginFromA("nb-end", "victim");
        String[] parts = ((String) victim.refreshToken()).split("\\.");
        // Same header and payload (the victim's session id), a signature Keycloak never made.
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        Response refused = realm.refreshFrom(B, victim.clientId(), forged);
        assertEquals(400, refused.statusCode(), refused.asString());

        assertEquals(List.of(victim.sid()), realm.sessions(victim.username()).stream().map(s -> s.get("id")).toList());
        assertTrue(realm.events("REFRESH_TOKEN_ERROR", victim.username()).stream()
                .noneMatch(e -> "guard_network_mismatch".equals(e.get("error"))));
        assertEquals(200, realm.refreshFrom(A, victim.clientId(), victim.refreshToken()).statusCode());
    }

    @Test
    void userinfoFromAnotherNetworkIsRejected() {
        LoggedIn user = loginFromA("nb-reject", "userinfo");
        Response refused = realm.userinfoFrom(B, user.accessToken());
        assertEquals(401, refused.statusCode(), refused.asString());
        Map<String, Object> event = onlyMismatchEvent("USER_INFO_REQUEST_ERROR", user);
        assertEquals("rejected", details(event).get("action"));
        assertEquals(B, details(event).get("request_ip"));

        Response fromA = realm.userinfoFrom(A, user.accessToken());
        assertEquals(200, fromA.statusCode(), fromA.asString());
        assertEquals(user.username(), fromA.jsonPath().getString("preferred_username"));
        assertEquals(1, realm.sessions(user.username()).size());
    }

    @Test
    void aConfigurationThatBypassedTheSaveCheckRefusesTheCallsItGuards(GuardEnvironment env) {
        // The check runs when profiles are saved through the client-policies API; a realm attribute written
        // directly (as a start-up import does) skips it. The executor then fails closed.
        NetworkRealm other = NetworkRealm.create(env, "netbad");
        BindingProfiles otherProfiles = new BindingProfiles(other);
        otherProfiles.add("nb-x", Map.of("mode", "log"));
        String clientId = otherProfiles.client("nb-x");
        String username = other.newUser("bypass");
        Map<String, Object> tokens = other.loginFrom(A, clientId, username);
        assertEquals(200, other.refreshFrom(A, clientId, tokens.get("refresh_token")).statusCode());

        Map<String, Object> representation = other.admin().request().get("/admin/realms/{realm}", other.name())
                .then().statusCode(200).extract().as(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> attributes = new java.util.HashMap<>((Map<String, Object>) representation.getOrDefault("attributes", Map.of()));
        attributes.put("client-policies.profiles", "{\"profiles\":[{\"name\":\"nb-x\",\"executors\":[{\"executor\":"
                + "\"guard-network-binding\",\"configuration\":{\"mode\":\"kick\"}}]}]}");
        other.admin().request().body(Map.of("attributes", attributes)).put("/admin/realms/{realm}", other.name())
                .then().statusCode(204);

        Response refused = other.refreshFrom(A, clientId, tokens.get("refresh_token"));
        assertEquals(400, refused.statusCode(), refused.asString());
        assertEquals("Network binding is misconfigured", refused.jsonPath().getString("error_description"));
    }

    @Test
    void anInvalidConfigurationIsRefusedWhenTheProfileIsSaved() {
        List<Map<String, Object>> before = profiles.storedProfiles();
        List<Map<String, Object>> proposed = new ArrayList<>(before);
        proposed.add(BindingProfiles.profile("nb-bad", Map.of("mode", "reject",
                "allowed-networks", List.of("192.0.2.0/24", "10.0.0.0/33", "carrier.example"))));
        Response refused = profiles.saveProfiles(proposed);
        assertEquals(400, refused.statusCode(), refused.asString());
        String message = refused.jsonPath().getString("errorMessage");
        assertTrue(message.contains("'10.0.0.0/33'") && message.contains("'carrier.example'"), message);
        assertFalse(message.contains("'192.0.2.0/24'"), message);

        proposed.set(proposed.size() - 1, BindingProfiles.profile("nb-bad", Map.of("mode", "kick", "ipv4-prefix-bits", 40)));
        Response alsoRefused = profiles.saveProfiles(proposed);
        assertEquals(400, alsoRefused.statusCode(), alsoRefused.asString());
        String second = alsoRefused.jsonPath().getString("errorMessage");
        assertTrue(second.contains("Mode: 'kick'") && second.contains("IPv4 prefix bits: '40'"), second);

        assertEquals(before.stream().map(p -> p.get("name")).toList(),
                profiles.storedProfiles().stream().map(p -> p.get("name")).toList(), "nothing was saved");
    }
}
