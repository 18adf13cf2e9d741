package io.keycloakguard.it.network;

import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "Guard: IP allow/deny lists" (guard-ip-policy) through the real Keycloak, IPv4 and IPv6, per realm, client and group. */
@ExtendWith(KeycloakGuardExtension.class)
class IpPolicyIT {

    static NetworkRealm realm;

    @BeforeAll
    static void setUp(GuardEnvironment env) {
        realm = NetworkRealm.create(env, "ippolicy");
    }

    /**
     * The policy runs after the password step here (IpPolicyClient's default, as group rules need): a denial is
     * answered exactly as a wrong password, so it tells a denied network nothing; the events say it was the policy.
     */
    static void assertDenied(Response response) {
        assertEquals(400, response.statusCode(), response.asString());
        assertEquals("invalid_grant", response.jsonPath().getString("error"));
        assertEquals("Invalid user credentials", response.jsonPath().getString("error_description"));
    }

    /** Placed first, before any password: the plain denial. */
    static void assertPlainlyDenied(Response response) {
        assertEquals(403, response.statusCode(), response.asString());
        assertEquals("access_denied", response.jsonPath().getString("error"));
    }

    static void assertAllowed(Response response) {
        assertEquals(200, response.statusCode(), response.asString());
    }

    /** The user's LOGIN_ERROR events the policy recorded. */
    static List<Map<String, Object>> denials(String username) {
        return realm.events("LOGIN_ERROR", username).stream()
                .filter(e -> "guard_ip_denied".equals(e.get("error"))).toList();
    }

    @Tag("compat")
    @Test
    void realmAllowListIpv4() {
        IpPolicyClient client = IpPolicyClient.create(realm, "allow4", Map.of("realmAllow", "203.0.113.0/24"));
        String user = realm.newUser("allow4");
        assertAllowed(client.passwordGrantFrom("203.0.113.7", user));
        assertDenied(client.passwordGrantFrom("198.51.100.7", user));

        List<Map<String, Object>> denials = denials(user);
        assertEquals(1, denials.size(), denials.toString());
        assertEquals("198.51.100.7", denials.get(0).get("ipAddress"));
        assertEquals("realm-allow", ((Map<?, ?>) denials.get(0).get("details")).get("reason"));
    }

    @Test
    void realmDenyListIpv6() {
        IpPolicyClient client = IpPolicyClient.create(realm, "deny6", Map.of("realmDeny", "2001:db8:bad::/48"));
        String user = realm.newUser("deny6");
        assertDenied(client.passwordGrantFrom("2001:db8:bad::5", user));
        assertAllowed(client.passwordGrantFrom("2001:db8:900::5", user));
        assertAllowed(client.passwordGrantFrom("203.0.113.5", user));
        List<Map<String, Object>> denials = denials(user);
        assertEquals(1, denials.size(), denials.toString());
        assertEquals("2001:db8:bad::5", denials.get(0).get("ipAddress"));
        assertEquals("realm-deny", ((Map<?, ?>) denials.get(0).get("details")).get("reason"));
    }

    @Test
    void aBracketedIpv6ForwardedForIsTheSameAddress() {
        // Quarkus takes a bare IPv6 X-Forwarded-For value as the client address; a bracketed one (RFC 7239 style)
        // it keeps only as the host text, which the pack's ClientAddress reads as the same address.
        IpPolicyClient client = IpPolicyClient.create(realm, "bracket6", Map.of("realmAllow", "2001:db8:900::/48"));
        String user = realm.newUser("bracket6");
        assertAllowed(client.passwordGrantFrom("2001:db8:900::6", user));
        assertAllowed(client.passwordGrantFrom("[2001:db8:900::6]", user));
        assertDenied(client.passwordGrantFrom("[2001:db8:901::6]", user));
    }

    @Tag("compat")
    @Test
    void realmAllowListIpv6WithDenyWinning() {
        IpPolicyClient client = IpPolicyClient.create(realm, "allow6", Map.of(
                "realmAllow", "2001:db8:a11::/48##10.0.0.0/8", "realmDeny", "2001:db8:a11:dead::/64"));
        String user = realm.newUser("allow6");
        assertAllowed(client.passwordGrantFrom("2001:db8:a11:1::1", user));
        assertAllowed(client.passwordGrantFrom("10.1.1.1", user));
        assertDenied(client.passwordGrantFrom("2001:db8:b00::1", user));
        assertDenied(client.passwordGrantFrom("2001:db8:a11:dead::1", user));
        assertDenied(client.passwordGrantFrom("203.0.113.1", user));
    }

    @Test
    void clientRuleAppliesToItsClientOnly() {
        IpPolicyClient client = IpPolicyClient.create(realm, "kiosk",
                Map.of("clientRules", "${client}=10.1.2.0/24 2001:db8:1::/48"));
        String other = client.sibling("kiosk-other");
        String user = realm.newUser("kiosk");
        assertAllowed(client.passwordGrantFrom("10.1.2.3", user));
        assertAllowed(client.passwordGrantFrom("2001:db8:1::9", user));
        assertDenied(client.passwordGrantFrom("10.1.3.3", user));
        assertAllowed(realm.passwordGrantFrom("10.1.3.3", other, user));
    }

    @Test
    void clientRuleCanDenyANetwork() {
        IpPolicyClient client = IpPolicyClient.create(realm, "partner", Map.of("clientRules", "${client}=!198.51.100.0/24"));
        String other = client.sibling("partner-other");
        String user = realm.newUser("partner");
        assertDenied(client.passwordGrantFrom("198.51.100.4", user));
        assertAllowed(client.passwordGrantFrom("198.51.101.4", user));
        assertAllowed(realm.passwordGrantFrom("198.51.100.4", other, user));
    }

    @Test
    void groupRuleAppliesToMembersOfTheGroupAndItsSubgroups() {
        String group = "net-staff-" + java.util.UUID.randomUUID().toString().substring(0, 6);
        String groupId = createGroup(group);
        String subgroupId = realm.admin().request().body(Map.of("name", "ops"))
                .post("/admin/realms/{realm}/groups/{id}/children", realm.name(), groupId)
                .then().statusCode(201).extract().path("id");
        IpPolicyClient client = IpPolicyClient.create(realm, "groups", Map.of("groupRules", "/" + group + "=198.51.100.0/24"));
        String member = realm.newUser("ops-member");
        realm.admin().request().put("/admin/realms/{realm}/users/{id}/groups/{group}", realm.name(),
                realm.userId(member), subgroupId).then().statusCode(204);
        String outsider = realm.newUser("outsider");

        assertAllowed(client.passwordGrantFrom("198.51.100.9", member));
        assertDenied(client.passwordGrantFrom("203.0.113.9", member));
        assertAllowed(client.passwordGrantFrom("203.0.113.9", outsider));
        assertEquals("group-allow:/" + group, ((Map<?, ?>) denials(member).get(0).get("details")).get("reason"));
    }

    @Test
    void theBrowserGetsTheThemedPage() {
        // The harness talks to Keycloak from 127.0.0.1 without forwarding headers: that is the address judged. Placed
        // first, the policy refuses before the login form is even shown.
        IpPolicyClient client = IpPolicyClient.create(realm, "browser", Map.of("realmDeny", "127.0.0.1"),
                IpPolicyClient.Placement.FIRST);
        BrowserSession browser = new BrowserSession(realm.env().baseUrl());
        BrowserSession.Outcome outcome = browser.open(realm.env().baseUrl() + "/realms/" + realm.name()
                + "/protocol/openid-connect/auth?client_id=" + client.clientId() + "&response_type=code&scope=openid"
                + "&redirect_uri=" + client.redirectUri());
        assertEquals(403, outcome.status());
        assertTrue(outcome.body().contains("guard-ip-denied"), outcome.body());
        assertTrue(outcome.body().contains("Sign-in to this application is not allowed from the network"), outcome.body());
        assertTrue(outcome.body().contains("127.0.0.1"), outcome.body());
        assertFalse(outcome.body().contains("name=\"password\""), "no login form: " + outcome.body());
        List<Map<String, Object>> denials = realm.clientEvents("LOGIN_ERROR", client.clientId()).stream()
                .filter(e -> "guard_ip_denied".equals(e.get("error"))).toList();
        assertEquals(1, denials.size(), denials.toString());
        assertEquals("127.0.0.1", denials.get(0).get("ipAddress"));
    }

    @Test
    void afterThePasswordTheBrowserGetsTheWrongPasswordPage() {
        IpPolicyClient client = IpPolicyClient.create(realm, "browser-after", Map.of("realmDeny", "127.0.0.1"));
        String user = realm.newUser("browser-after");
        BrowserSession browser = new BrowserSession(realm.env().baseUrl());
        BrowserSession.LoginPage page = browser.openLoginPage(realm.name(), client.clientId(), client.redirectUri());
        BrowserSession.Outcome outcome = browser.submitCredentials(page, user, NetworkRealm.PASSWORD);
        assertEquals(200, outcome.status());
        assertTrue(outcome.body().contains("Invalid username or password"), outcome.body());
        assertEquals(1, denials(user).size());
        assertEquals("invalid_user_credentials", ((Map<?, ?>) denials(user).get(0).get("details")).get("answered_as"));
        assertTrue(realm.sessions(user).isEmpty());
    }

    @Test
    void anInvalidConfigFailsSafeAndTheStatusEndpointNamesTheBadEntries() {
        IpPolicyClient client = IpPolicyClient.create(realm, "badconfig", Map.of("realmAllow", "203.0.113.0/24"),
                IpPolicyClient.Placement.FIRST);
        String user = realm.newUser("badconfig");
        assertAllowed(client.passwordGrantFrom("203.0.113.7", user));

        Response saved = client.updateDirectGrantConfig(Map.of("realmAllow", "203.0.113.0/24, 10.0.0.0/33",
                "realmDeny", "2001:db8::/129", "clientRules", "no-such-client=10.0.0.0/8"));
        assertEquals(204, saved.statusCode(), "Keycloak 26.7 stores authenticator configs unchecked: " + saved.asString());

        Response refused = client.passwordGrantFrom("203.0.113.7", user);
        assertEquals(403, refused.statusCode(), refused.asString());
        assertTrue(refused.asString().contains("configuration is invalid"), refused.asString());

        String problems = invalidConfig(client.configAlias()).get("problems").toString();
        assertTrue(problems.contains("'10.0.0.0/33'"), problems);
        assertTrue(problems.contains("'2001:db8::/129'"), problems);
        assertTrue(problems.contains("no client 'no-such-client'"), problems);
        assertFalse(problems.contains("'203.0.113.0/24'"), problems);
        assertEquals("guard-ip-policy", invalidConfig(client.configAlias()).get("authenticator"));

        assertEquals(204, client.updateDirectGrantConfig(Map.of("realmAllow", "203.0.113.0/24")).statusCode());
        assertAllowed(client.passwordGrantFrom("203.0.113.7", user));
        assertFalse(invalidConfigs().stream().anyMatch(i -> client.configAlias().equals(i.get("alias"))));
    }

    @Test
    void denialsAreNotFailedLoginsForBruteForceDetection(GuardEnvironment env) {
        NetworkRealm guarded = NetworkRealm.create(env, "ipbrute", Map.of("bruteForceProtected", true,
                "failureFactor", 2, "permanentLockout", false, "maxFailureWaitSeconds", 900,
                "waitIncrementSeconds", 900, "quickLoginCheckMilliSeconds", 1, "minimumQuickLoginWaitSeconds", 900));
        IpPolicyClient client = IpPolicyClient.create(guarded, "brute", Map.of("realmDeny", "198.51.100.0/24"),
                IpPolicyClient.Placement.FIRST);
        String user = guarded.newUser("brute");
        for (int i = 0; i < 4; i++) {
            assertPlainlyDenied(client.passwordGrantFrom("198.51.100.3", user));
        }
        assertAllowed(client.passwordGrantFrom("203.0.113.3", user));
        Map<String, Object> status = guarded.admin().request()
                .get("/admin/realms/{realm}/attack-detection/brute-force/users/{id}", guarded.name(), guarded.userId(user))
                .then().statusCode(200).extract().as(Map.class);
        assertEquals(0, ((Number) status.get("numFailures")).intValue(), status.toString());
    }

    static String createGroup(String name) {
        String location = realm.admin().request().body(Map.of("name", name))
                .post("/admin/realms/{realm}/groups", realm.name()).then().statusCode(201).extract().header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    static List<Map<String, Object>> invalidConfigs() {
        return realm.admin().request().get("/admin/realms/{realm}/guard/status", realm.name())
                .then().statusCode(200).extract().jsonPath().getList("invalidConfigs");
    }

    static Map<String, Object> invalidConfig(String alias) {
        return invalidConfigs().stream().filter(i -> alias.equals(i.get("alias"))).findFirst()
                .orElseThrow(() -> new AssertionError("not listed: " + invalidConfigs()));
    }
}
