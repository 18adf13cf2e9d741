package io.keycloakguard.it.network;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakVersion;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.keycloakguard.it.network.NetworkBindingIT.A;
import static io.keycloakguard.it.network.NetworkBindingIT.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Network binding on userinfo on every supported release. Keycloak 26.7 hands the executor the client session of
 * the access token it verified; 26.4 and 26.5 trigger the userinfo policy before verifying the token, with the
 * raw token only, and evaluate client conditions before they know the client (so only a client-independent
 * condition, here {@code any-client}, makes the policy run there). The executor then verifies the token itself:
 * a genuine token from another network is refused, a forged one ends nothing.
 */
@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class NetworkBindingReleaseIT {

    static NetworkRealm realm;

    @BeforeAll
    static void setUp(GuardEnvironment env) {
        realm = NetworkRealm.create(env, "nbrel");
    }

    /** One profile with the executor, applied to every client of the realm (any-client). */
    private static void bindEveryClient(String mode) {
        String name = "nb-any-" + mode;
        new BindingProfiles(realm).saveProfiles(List.of(BindingProfiles.profile(name, Map.of("mode", mode))))
                .then().statusCode(204);
        realm.admin().request().body(Map.of("policies", List.of(Map.of("name", name, "description", "",
                        "enabled", true, "conditions", List.of(Map.of("condition", "any-client", "configuration",
                                Map.of())), "profiles", List.of(name)))))
                .put("/admin/realms/{realm}/client-policies/policies", realm.name()).then().statusCode(204);
    }

    private static String client() {
        String clientId = "nb-rel-" + UUID.randomUUID().toString().substring(0, 6);
        new AuthFlows(realm.admin(), realm.name()).createClient(clientId, "http://127.0.0.1:9/" + clientId, null,
                null, Map.of());
        return clientId;
    }

    @Test
    void userinfoFromAnotherNetworkIsRefusedAndAForgedTokenEndsNothing() {
        bindEveryClient("end-session");
        String clientId = client();

        // A forged access token naming the victim's session, sent from another network: not judged, the session lives.
        String victim = realm.newUser("nb-rel-victim");
        Map<String, Object> victimTokens = realm.loginFrom(A, clientId, victim);
        String[] parts = ((String) victimTokens.get("access_token")).split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        Response refused = realm.userinfoFrom(B, forged);
        assertEquals(401, refused.statusCode(), refused.asString());
        assertEquals(1, realm.sessions(victim).size(), "a forged token ends nothing on Keycloak "
                + KeycloakVersion.underTest());
        assertEquals(200, realm.userinfoFrom(A, victimTokens.get("access_token")).statusCode());

        // The genuine token from another network: refused, and the session ended (mode end-session).
        String user = realm.newUser("nb-rel");
        Map<String, Object> tokens = realm.loginFrom(A, clientId, user);
        Response fromB = realm.userinfoFrom(B, tokens.get("access_token"));
        assertEquals(401, fromB.statusCode(), "userinfo from another network on Keycloak " + KeycloakVersion.underTest()
                + ": " + fromB.asString());
        List<Map<String, Object>> mismatches = realm.events("USER_INFO_REQUEST_ERROR", user).stream()
                .filter(e -> "guard_network_mismatch".equals(e.get("error"))).toList();
        assertEquals(1, mismatches.size(), "mismatch events: " + mismatches);
        @SuppressWarnings("unchecked")
        Map<String, String> details = (Map<String, String>) mismatches.get(0).get("details");
        assertEquals(B, details.get("request_ip"));
        assertEquals(Tokens.claims((String) tokens.get("access_token")).get("sid"), mismatches.get(0).get("sessionId"));
        io.keycloakguard.it.harness.Await.until(() -> realm.sessions(user).isEmpty(), java.time.Duration.ofSeconds(15),
                "the session is ended");
        assertTrue(realm.sessions(victim).size() == 1, "the victim's session is untouched");
    }
}
