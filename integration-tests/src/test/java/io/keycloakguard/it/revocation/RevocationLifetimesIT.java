package io.keycloakguard.it.revocation;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.contract.Revocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A record lives until no token it covers can still be accepted (docs/revocation-contract.md, "Lifetimes"): a
 * client's longer access-token lifespan counts, a lifespan raised while records are live extends them, and a
 * revoked access token is remembered exactly until its own expiry. The harness runs the pack with a clock skew of
 * 5 s (production: 60 s), so records end 5 s after the tokens they cover.
 */
@ExtendWith(KeycloakGuardExtension.class)
class RevocationLifetimesIT {

    static final long SKEW = 5;

    /** A realm with a 10 s access-token lifespan (and the default 15 min for the implicit flow, which no client uses). */
    static FeedRealm realm(GuardEnvironment env, String clientId, Integer clientLifespan) {
        return new FeedRealm(env, "lifetimes", Map.of("accessTokenLifespan", 10),
                List.of(FeedRealm.publicClient(clientId, clientLifespan)));
    }

    static long exp(FeedRealm.User user) {
        return ((Number) user.claims().get("exp")).longValue();
    }

    @Test
    void aClientsLongerLifespanKeepsTheRecordUntilItsTokensHaveExpired(GuardEnvironment env) {
        try (FeedRealm realm = realm(env, "long", 3600)) {
            FeedRealm.User user = realm.newUserSignedIn("long");
            String sid = (String) user.claims().get("sid");
            Tokens.logout(env.baseUrl(), realm.name, "long", user.refreshToken());
            Await.until(() -> realm.revoked(user), Duration.ofSeconds(15), "the logged-out token is rejected");

            Revocation record = realm.record("session:" + sid).orElseThrow();
            assertTrue(record.expiresAt() >= exp(user) + SKEW, "the record (exp " + record.expiresAt()
                    + ") must outlive the token it covers (exp " + exp(user) + ", a client lifespan of 3600 s on a realm of 10 s)");
        }
    }

    @Test
    void theRecordIsThereWhileTheTokenLivesAndGoneAfter(GuardEnvironment env) {
        try (FeedRealm realm = realm(env, "medium", 40)) {
            FeedRealm.User user = realm.newUserSignedIn("medium");
            String sid = (String) user.claims().get("sid");
            Tokens.logout(env.baseUrl(), realm.name, "medium", user.refreshToken());
            Await.until(() -> realm.revoked(user), Duration.ofSeconds(15), "the logged-out token is rejected");
            long tokenExp = exp(user);

            Await.sleep(Duration.ofMillis(Math.max(0, (tokenExp - 10) * 1000 - System.currentTimeMillis())));
            assertTrue(realm.revoked(user), "30 s after the login, 20 s past the realm's lifespan: still rejected");
            assertTrue(realm.record("session:" + sid).isPresent(), "and still in the feed");

            Await.until(() -> FeedRealm.now() > tokenExp + SKEW + 1 && realm.record("session:" + sid).isEmpty()
                            && !realm.client.isRevoked(Map.of("sid", sid)),
                    Duration.ofSeconds(30), "the record is gone once its token can no longer be accepted");
        }
    }

    @Test
    void aLifespanRaisedWhileARecordIsLiveExtendsIt(GuardEnvironment env) {
        try (FeedRealm realm = realm(env, "short", null)) {
            FeedRealm.User user = realm.newUserSignedIn("short");
            String sid = (String) user.claims().get("sid");
            Tokens.logout(env.baseUrl(), realm.name, "short", user.refreshToken());
            Await.until(() -> realm.revoked(user), Duration.ofSeconds(15), "the logged-out token is rejected");
            long before = realm.record("session:" + sid).orElseThrow().expiresAt();
            assertTrue(before < FeedRealm.now() + 60, "a 10 s realm: the record ends soon (" + before + ")");

            Map<String, Object> settings = realm.representation("");
            settings.put("accessTokenLifespan", 600);
            realm.update("", settings);
            long raisedAt = FeedRealm.now();

            Await.until(() -> realm.record("session:" + sid).map(Revocation::expiresAt).orElse(0L) >= raisedAt - 1 + 600,
                    Duration.ofSeconds(20), "the live record is extended to the new lifespan");
            Await.until(() -> realm.client.isRevoked(Map.of("sid", sid)), Duration.ofSeconds(5), "and readers keep it");
        }
    }

    @Test
    void aRevokedAccessTokenIsRememberedUntilItsOwnExpiry(GuardEnvironment env) {
        try (FeedRealm realm = realm(env, "long", 3600)) {
            FeedRealm.User user = realm.newUserSignedIn("long");
            String jti = (String) user.claims().get("jti");
            given().formParam("client_id", "long").formParam("token", user.accessToken())
                    .formParam("token_type_hint", "access_token")
                    .post(env.baseUrl() + "/realms/" + realm.name + "/protocol/openid-connect/revoke")
                    .then().statusCode(200);
            Await.until(() -> realm.revoked(user), Duration.ofSeconds(15), "the revoked token is rejected");
            assertEquals(exp(user) + SKEW, realm.record("token:" + jti).orElseThrow().expiresAt(),
                    "a token record lives exactly as long as the token, plus the skew");
            assertFalse(realm.keycloakSaysActive(user.accessToken()), "Keycloak agrees");
        }
    }
}
