package io.keycloakguard.it.brokerlogout;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.it.harness.UpstreamIdentityProvider;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker back-channel logout ({@code /realms/{realm}/guard-broker-logout}) against forged, replayed, old and
 * unbounded logout tokens, and the offline sessions a logout token asks to revoke.
 */
@ExtendWith(KeycloakGuardExtension.class)
class BrokerLogoutIT {

    static GuardEnvironment env;
    static KeycloakAdmin admin;
    static String realm;

    @BeforeAll
    static void setUp(GuardEnvironment environment) {
        env = environment;
        admin = env.admin();
        realm = "guard-blo-" + UUID.randomUUID().toString().substring(0, 6);
        admin.request().body(Map.of("realm", realm, "enabled", true, "sslRequired", "none")).post("/admin/realms")
                .then().statusCode(201);
    }

    private static String endpoint() {
        return env.baseUrl() + "/realms/" + realm + "/guard-broker-logout";
    }

    private static Response post(String logoutToken) {
        return given().formParam("logout_token", logoutToken).post(endpoint());
    }

    private static void assertRefused(Response response, String because) {
        assertEquals(400, response.statusCode(), because + ": " + response.asString());
        assertTrue(response.jsonPath().getString("error_description").contains(because), response.asString());
    }

    /** A downstream client and a brokered browser login to it through the upstream provider; its tokens. */
    private static Map<String, Object> brokeredLogin(UpstreamIdentityProvider idp, String scope) {
        String clientId = "brokered-" + UUID.randomUUID().toString().substring(0, 6);
        String redirectUri = "http://127.0.0.1:9/" + clientId + "/callback";
        new AuthFlows(admin, realm).createClient(clientId, redirectUri, null, null, Map.of());
        BrowserSession browser = new BrowserSession(env.baseUrl());
        BrowserSession.Outcome upstreamLogin = browser.open(env.baseUrl() + "/realms/" + realm
                + "/protocol/openid-connect/auth?response_type=code&client_id=" + clientId
                + "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8) + "&kc_idp_hint=" + idp.alias()
                + "&redirect_uri=" + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8));
        assertEquals(200, upstreamLogin.status(), upstreamLogin.body());
        BrowserSession.Outcome login = browser.submitForm(BrowserSession.formAction(upstreamLogin.body()),
                Map.of("username", idp.username(), "password", idp.password(), "credentialId", ""));
        assertNotNull(login.code(), "brokered login: " + login.status() + " " + login.body());
        Map<String, Object> tokens = new HashMap<>(given().formParam("grant_type", "authorization_code")
                .formParam("client_id", clientId).formParam("redirect_uri", redirectUri)
                .formParam("code", login.code()).post(Tokens.tokenEndpoint(env.baseUrl(), realm))
                .then().statusCode(200).extract().as(Map.class));
        tokens.put("client_id", clientId);
        return tokens;
    }

    private static String downstreamUserId(UpstreamIdentityProvider idp) {
        return admin.request().get("/admin/realms/{realm}/users?exact=true&username={u}", realm, idp.username())
                .then().statusCode(200).extract().path("[0].id");
    }

    private static List<Object> sessions(String userId, String kind) {
        return admin.request().get("/admin/realms/{realm}/users/{id}/" + kind, realm, userId)
                .then().statusCode(200).extract().jsonPath().getList("id");
    }

    /**
     * The identity provider ends the user's sessions and asks for offline access to be revoked as well
     * ({@code revoke_offline_access}): the brokered offline session goes, as with Keycloak's own endpoint.
     */
    @Test
    void revokeOfflineAccessRemovesTheBrokeredOfflineSessions() {
        UpstreamIdentityProvider idp = UpstreamIdentityProvider.create(admin, env.baseUrl(), realm, null, true);
        Map<String, Object> brokerClient = admin.request()
                .get("/admin/realms/{realm}/clients?clientId=guard-broker", idp.upstreamRealm())
                .then().statusCode(200).extract().path("[0]");
        @SuppressWarnings("unchecked")
        Map<String, Object> attributes = new HashMap<>((Map<String, Object>) brokerClient.get("attributes"));
        attributes.put("backchannel.logout.revoke.offline.tokens", "true");
        Map<String, Object> updated = new HashMap<>(brokerClient);
        updated.put("attributes", attributes);
        admin.request().body(updated).put("/admin/realms/{realm}/clients/{id}", idp.upstreamRealm(), brokerClient.get("id"))
                .then().statusCode(204);

        Map<String, Object> tokens = brokeredLogin(idp, "openid offline_access");
        assertEquals("Offline", Tokens.claims((String) tokens.get("refresh_token")).get("typ"));
        String userId = downstreamUserId(idp);
        assertEquals(1, sessions(userId, "offline-sessions/" + clientUuid((String) tokens.get("client_id"))).size());

        admin.request().post("/admin/realms/{realm}/users/{id}/logout", idp.upstreamRealm(), idp.upstreamUserId())
                .then().statusCode(204);
        String clientUuid = clientUuid((String) tokens.get("client_id"));
        Await.until(() -> sessions(userId, "offline-sessions/" + clientUuid).isEmpty(), Duration.ofSeconds(30),
                "the brokered offline session is removed");
        assertEquals(400, Tokens.refreshResponse(env.baseUrl(), realm, (String) tokens.get("client_id"),
                tokens.get("refresh_token")).statusCode(), "the offline token no longer refreshes");
    }

    private static String clientUuid(String clientId) {
        return admin.request().get("/admin/realms/{realm}/clients?clientId={c}", realm, clientId)
                .then().statusCode(200).extract().path("[0].id");
    }

    /** A logout token is good for one logout: the same token again (same jti) is refused. */
    @Test
    void aReplayedLogoutTokenIsRefused() {
        SelfSignedIdentityProvider idp = SelfSignedIdentityProvider.create(admin, realm);
        String token = idp.sign(idp.logoutClaims(UUID.randomUUID().toString()).build());
        Response first = post(token);
        assertEquals(200, first.statusCode(), first.asString());
        assertRefused(post(token), "already used");
        assertEquals(200, post(idp.sign(idp.logoutClaims(UUID.randomUUID().toString()).build())).statusCode(),
                "a new token (new jti) is accepted");
    }

    /** Tokens that never expire, or were issued longer ago than max-token-age (5 minutes), are refused. */
    @Test
    void tokensWithoutExpiryOrIssuedTooLongAgoAreRefused() {
        SelfSignedIdentityProvider idp = SelfSignedIdentityProvider.create(admin, realm);
        assertRefused(post(idp.sign(idp.logoutClaims("someone").claim("exp", null).build())), "no exp");
        long now = System.currentTimeMillis() / 1000;
        assertRefused(post(idp.sign(idp.logoutClaims("someone").claim("iat", now - 3600).claim("exp", now + 3600)
                .build())), "max-token-age");
    }

    /**
     * With signature validation off, anyone who knows the issuer, the client id and a user's id at the provider can
     * write a logout token: the endpoint refuses every token of such a provider, says why, and the realm's status
     * lists the provider. The brokered session survives a forged token.
     */
    @Test
    void anIdentityProviderWithoutSignatureValidationCannotEndSessions() {
        UpstreamIdentityProvider idp = UpstreamIdentityProvider.create(admin, env.baseUrl(), realm, null, false);
        brokeredLogin(idp, "openid");
        String userId = downstreamUserId(idp);
        assertEquals(1, sessions(userId, "sessions").size());

        Map<String, Object> provider = admin.request().get("/admin/realms/{realm}/identity-provider/instances/{alias}",
                realm, idp.alias()).then().statusCode(200).extract().as(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> config = new HashMap<>((Map<String, Object>) provider.get("config"));
        config.put("validateSignature", "false");
        provider.put("config", config);
        admin.request().body(provider).put("/admin/realms/{realm}/identity-provider/instances/{alias}", realm, idp.alias())
                .then().statusCode(204);

        // Written by the attacker, signed with a key of their own.
        long now = System.currentTimeMillis() / 1000;
        String forged = SelfSignedIdentityProvider.sign(new com.nimbusds.jwt.JWTClaimsSet.Builder()
                .issuer(env.baseUrl() + "/realms/" + idp.upstreamRealm()).audience("guard-broker")
                .subject(idp.upstreamUserId()).jwtID(UUID.randomUUID().toString())
                .claim("iat", now).claim("exp", now + 60)
                .claim("events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of()))
                .build(), SelfSignedIdentityProvider.rsa());
        assertRefused(post(forged), "does not validate signatures");
        assertEquals(1, sessions(userId, "sessions").size(), "the brokered session survives the forged token");

        List<String> refused = admin.request().get("/admin/realms/{realm}/guard/status", realm).then().statusCode(200)
                .extract().jsonPath().getList("brokerLogout.refusedIdentityProviders");
        assertTrue(refused.contains(idp.alias()), "the status names the provider: " + refused);
    }
}
