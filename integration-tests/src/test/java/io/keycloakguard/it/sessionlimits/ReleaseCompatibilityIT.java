package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakVersion;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.keycloakguard.it.sessionlimits.DemoRealm.PASSWORD;
import static io.keycloakguard.it.sessionlimits.DemoRealm.REALM;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What differs between the supported Keycloak releases, through the real server of the release under test
 * ({@code -Dkeycloak.version}): Keycloak 26.4 has no {@code USER_SESSION_DELETED} event type and its
 * {@code AuthResult} is a class with getters, where 26.5 made it a record. The pack must answer on each
 * (no 500), record the sessions it ends with the event type the release has, and say what it lacks in the
 * status endpoint and the start-up log.
 */
@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class ReleaseCompatibilityIT {

    /** What the pack records for a session it ends: Keycloak 26.5 added USER_SESSION_DELETED. */
    static final String SESSION_ENDED_EVENT = KeycloakVersion.atLeast("26.5") ? "USER_SESSION_DELETED" : "LOGOUT";

    static GuardEnvironment env;

    @BeforeAll
    static void setUp(GuardEnvironment environment) {
        env = environment;
        DemoRealm.env = environment;
        DemoRealm.storeLimiterEvents(environment);
    }

    @Test
    void endLeastRecentlyActiveLetsTheLoginInAndRecordsTheEndedSession() {
        LimitedClient client = LimitedClient.create(env, REALM, "compat-lru",
                Map.of("realmLimit", "1", "onExceed", "end-least-recently-active"));
        String user = DemoRealm.newUser("compat-lru");
        String first = DemoRealm.sid(client.login(user, PASSWORD));

        Response second = client.rightPasswordGrant(user, PASSWORD);
        assertEquals(200, second.statusCode(), "the login over the limit on Keycloak " + KeycloakVersion.underTest()
                + ": " + second.asString());
        List<String> sessions = DemoRealm.sessionIds(user);
        assertEquals(List.of(DemoRealm.sid(second.as(Map.class))), sessions, "the first session ended");
        assertEndedEvent(user, first, "session_limit.ended");
    }

    @Test
    void accountEndpointListsAndEndsTheUsersOwnSession() {
        String user = DemoRealm.newUser("compat-account");
        Map<String, Object> current = Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", user, PASSWORD);
        String other = DemoRealm.sid(Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", user, PASSWORD));
        String token = (String) current.get("access_token");
        String url = env.baseUrl() + "/realms/" + REALM + "/guard-account/sessions";

        Response listed = given().auth().oauth2(token).get(url);
        assertEquals(200, listed.statusCode(), "GET on Keycloak " + KeycloakVersion.underTest() + ": " + listed.asString());
        assertEquals(2, listed.jsonPath().getList("id").size(), listed.asString());

        Response ended = given().auth().oauth2(token).delete(url + "/" + other);
        assertEquals(204, ended.statusCode(), "DELETE on Keycloak " + KeycloakVersion.underTest() + ": " + ended.asString());
        assertEquals(List.of(DemoRealm.sid(current)), DemoRealm.sessionIds(user));
        assertEndedEvent(user, other, "account.session_ended");
    }

    @Test
    void statusAndStartUpLogNameWhatThisKeycloakLacks() {
        JsonPath status = env.admin().request().get("/admin/realms/{realm}/guard/status", REALM)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(KeycloakVersion.underTest(), status.getString("compatibility.keycloak"), status.prettify());
        List<String> expected = new ArrayList<>();
        if (!KeycloakVersion.atLeast("26.5")) {
            expected.add("org.keycloak.events.EventType.USER_SESSION_DELETED");
        }
        if (!KeycloakVersion.atLeast("26.7")) {
            expected.add("org.keycloak.services.clientpolicy.context.UserInfoRequestContext.getClientSession()");
            expected.add("org.keycloak.services.clientpolicy.context.TokenRefreshResponseContext.getClientSession()");
        }
        List<Map<String, Object>> unavailable = status.getList("compatibility.unavailable");
        assertEquals(expected, unavailable.stream().map(u -> u.get("missing")).toList(),
                "what Keycloak " + KeycloakVersion.underTest() + " lacks");
        assertTrue(unavailable.stream().allMatch(u -> String.valueOf(u.get("instead")).length() > 10),
                "each names what the pack does instead: " + unavailable);
        // Once per start of the server (a test may have restarted it): a line per missing thing, nothing else.
        List<String> log = env.keycloak().log().lines().toList();
        long starts = log.stream().filter(l -> l.contains("[io.quarkus]") && l.contains(" started in ")).count();
        assertTrue(starts >= 1, "Keycloak's start line");
        for (String missing : expected) {
            assertEquals(starts, log.stream().filter(l -> l.contains("not available on this Keycloak: " + missing)).count(),
                    "the start-up log names " + missing + " once per start");
        }
        assertEquals(starts * expected.size(), log.stream().filter(l -> l.contains("not available on this Keycloak: "))
                .count(), "nothing else is logged as unavailable");
    }

    private static void assertEndedEvent(String username, String endedSid, String guardEvent) {
        Await.until(() -> endedEvents(username).stream().anyMatch(e -> {
            @SuppressWarnings("unchecked")
            Map<String, String> d = (Map<String, String>) e.get("details");
            return endedSid.equals(e.get("sessionId")) && d != null && guardEvent.equals(d.get("guard_event"))
                    && endedSid.equals(d.get("ended_session"));
        }), Duration.ofSeconds(10), "a " + SESSION_ENDED_EVENT + " event for " + endedSid + " with guard_event "
                + guardEvent);
    }

    private static List<Map<String, Object>> endedEvents(String username) {
        return env.admin().request()
                .get("/admin/realms/{realm}/events?user={id}&type={type}", REALM, DemoRealm.userId(username),
                        SESSION_ENDED_EVENT)
                .then().statusCode(200).extract().jsonPath().getList("");
    }
}
