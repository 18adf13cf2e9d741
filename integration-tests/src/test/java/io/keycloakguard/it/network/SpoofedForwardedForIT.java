package io.keycloakguard.it.network;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.UntrustedPeer;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Keycloak trusts X-Forwarded-For only from 127.0.0.1; a peer on 127.0.0.2 that sends one must be judged by
 * its own address, by both network features.
 */
@ExtendWith(KeycloakGuardExtension.class)
class SpoofedForwardedForIT {

    static final String SPOOFED = "203.0.113.50";

    static NetworkRealm realm;
    static UntrustedPeer peer;

    @BeforeAll
    static void setUp(GuardEnvironment env) {
        assumeTrue(UntrustedPeer.available(), "this machine cannot send from 127.0.0.2");
        realm = NetworkRealm.create(env, "spoof");
        peer = UntrustedPeer.to(env.baseUrl());
    }

    @AfterAll
    static void tearDown() {
        if (peer != null) {
            peer.close();
        }
    }

    static UntrustedPeer.Reply passwordGrantFromPeer(String clientId, String username, String spoofedXff) {
        return peer.postForm(realm.tokenPath(), Map.of("grant_type", "password", "client_id", clientId,
                "username", username, "password", NetworkRealm.PASSWORD, "scope", "openid"),
                Map.of(NetworkRealm.XFF, spoofedXff));
    }

    @Test
    void theDenyListAppliesToTheUntrustedPeerNotToTheSpoofedAddress() {
        IpPolicyClient client = IpPolicyClient.create(realm, "spoof-deny", Map.of("realmDeny", UntrustedPeer.ADDRESS),
                IpPolicyClient.Placement.FIRST);
        String user = realm.newUser("spoof-deny");
        UntrustedPeer.Reply denied = passwordGrantFromPeer(client.clientId(), user, SPOOFED);
        assertEquals(403, denied.status(), denied.body());
        // The same header from the trusted proxy address is honoured.
        assertEquals(200, client.passwordGrantFrom(SPOOFED, user).statusCode());

        List<Map<String, Object>> denials = realm.clientEvents("LOGIN_ERROR", client.clientId());
        assertEquals(1, denials.size(), denials.toString());
        assertEquals(UntrustedPeer.ADDRESS, denials.get(0).get("ipAddress"));
    }

    @Test
    void anAllowListCannotBeEnteredBySpoofingAnAllowedAddress() {
        IpPolicyClient client = IpPolicyClient.create(realm, "spoof-allow", Map.of("realmAllow", "203.0.113.0/24"),
                IpPolicyClient.Placement.FIRST);
        String user = realm.newUser("spoof-allow");
        UntrustedPeer.Reply denied = passwordGrantFromPeer(client.clientId(), user, SPOOFED);
        assertEquals(403, denied.status(), denied.body());
        assertEquals("access_denied", JsonPath.from(denied.body()).getString("error"));
        assertEquals(200, client.passwordGrantFrom(SPOOFED, user).statusCode());
    }

    @Test
    void aRefreshFromTheUntrustedPeerSpoofingTheSessionAddressIsAMismatch() {
        BindingProfiles profiles = new BindingProfiles(realm);
        profiles.add("spoof-reject", Map.of("mode", "reject"));
        String clientId = profiles.client("spoof-reject");
        String user = realm.newUser("spoof-refresh");
        Map<String, Object> tokens = realm.loginFrom(SPOOFED, clientId, user);
        assertEquals(SPOOFED, realm.sessions(user).get(0).get("ipAddress"));

        UntrustedPeer.Reply refused = peer.postForm(realm.tokenPath(), Map.of("grant_type", "refresh_token",
                "client_id", clientId, "refresh_token", (String) tokens.get("refresh_token")), Map.of(NetworkRealm.XFF, SPOOFED));
        assertEquals(400, refused.status(), refused.body());
        assertEquals("invalid_grant", JsonPath.from(refused.body()).getString("error"));

        Map<String, Object> mismatch = realm.events("REFRESH_TOKEN_ERROR", user).stream()
                .filter(e -> "guard_network_mismatch".equals(e.get("error"))).findFirst().orElseThrow();
        assertEquals(UntrustedPeer.ADDRESS, ((Map<?, ?>) mismatch.get("details")).get("request_ip"));
        assertEquals(SPOOFED, ((Map<?, ?>) mismatch.get("details")).get("session_ip"));
        // From the trusted proxy, the same header is the session's own address.
        assertEquals(200, realm.refreshFrom(SPOOFED, clientId, tokens.get("refresh_token")).statusCode());
    }
}
