package io.keycloakguard.it.revocation;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.RevocationClient;
import io.keycloakguard.revocation.jwt.BearerTokenCheck;
import io.keycloakguard.revocation.jwt.BearerTokenCheck.Outcome;
import io.keycloakguard.revocation.jwt.KeycloakJwtVerifier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A resource server's whole check: the realm's JWKS, issuer, expiry, then the revocation feed. */
@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class BearerTokenCheckIT {

    static final String REALM = "guard-demo";

    @Test
    void acceptsValidTokensAndRejectsForgedForeignAndRevokedOnes(GuardEnvironment env) throws InterruptedException {
        String issuer = env.baseUrl() + "/realms/" + REALM;
        String username = KeycloakAdmin.uniqueUsername("bearer");
        String userId = env.admin().createUser(REALM, username, "Correct-horse-42");
        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", username, "Correct-horse-42");
        String accessToken = (String) tokens.get("access_token");

        try (RedisClient jedis = RedisClient.create(env.redis().url());
             RevocationClient revocations = RevocationClient.builder(jedis, REALM).keyPrefix(env.keyPrefix())
                     .pollBlock(Duration.ofMillis(200)).start()) {
            assertTrue(revocations.awaitReady(Duration.ofSeconds(20)), "the feed loaded");
            BearerTokenCheck check = new BearerTokenCheck(new KeycloakJwtVerifier(issuer, Set.of()), revocations);

            BearerTokenCheck.Result ok = check.check("Bearer " + accessToken);
            assertEquals(Outcome.ACCEPTED, ok.outcome(), ok.reason());
            assertEquals(userId, ok.claims().getSubject());

            assertEquals(Outcome.MISSING, check.check(null).outcome());
            assertEquals(Outcome.MISSING, check.check("Basic dXNlcjpwdw==").outcome());
            assertEquals(Outcome.INVALID, check.check("Bearer not-a-jwt").outcome());
            assertEquals(Outcome.INVALID, check.check("Bearer " + forgeSignature(accessToken)).outcome());
            BearerTokenCheck otherRealm = new BearerTokenCheck(
                    new KeycloakJwtVerifier(env.baseUrl() + "/realms/master", Set.of()), revocations);
            assertEquals(Outcome.INVALID, otherRealm.check("Bearer " + accessToken).outcome());
            BearerTokenCheck otherAudience = new BearerTokenCheck(
                    new KeycloakJwtVerifier(issuer, Set.of("some-other-api")), revocations);
            assertEquals(Outcome.INVALID, otherAudience.check("Bearer " + accessToken).outcome());

            Tokens.logout(env.baseUrl(), REALM, "demo-cli", tokens.get("refresh_token"));
            Await.until(() -> check.check("Bearer " + accessToken).outcome() == Outcome.REVOKED, Duration.ofSeconds(15),
                    "the logged-out token is refused as revoked");
        }
    }

    /** The same header and claims with a changed signature. */
    private static String forgeSignature(String jwt) {
        int dot = jwt.lastIndexOf('.');
        char last = jwt.charAt(dot + 1);
        return jwt.substring(0, dot + 1) + (last == 'A' ? 'B' : 'A') + jwt.substring(dot + 2);
    }


    @Test
    void anIdTokenIsNotAnAccessToken(GuardEnvironment env) throws InterruptedException {
        String issuer = env.baseUrl() + "/realms/" + REALM;
        String username = KeycloakAdmin.uniqueUsername("id-token");
        env.admin().createUser(REALM, username, "Correct-horse-42");
        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", username, "Correct-horse-42");
        String idToken = (String) tokens.get("id_token");
        assertEquals("ID", Tokens.claims(idToken).get("typ"), "Keycloak issued an ID token");

        try (RedisClient jedis = RedisClient.create(env.redis().url());
             RevocationClient revocations = RevocationClient.builder(jedis, REALM).keyPrefix(env.keyPrefix()).start()) {
            assertTrue(revocations.awaitReady(Duration.ofSeconds(20)), "the feed loaded");
            for (Set<String> audience : List.of(Set.<String>of(), Set.of("demo-cli"))) {
                BearerTokenCheck check = new BearerTokenCheck(new KeycloakJwtVerifier(issuer, audience), revocations);
                BearerTokenCheck.Result result = check.check("Bearer " + idToken);
                assertEquals(Outcome.INVALID, result.outcome(), "an ID token (audience " + audience + ") is refused");
            }
            assertEquals(Outcome.ACCEPTED, new BearerTokenCheck(new KeycloakJwtVerifier(issuer, Set.of()), revocations)
                    .check("Bearer " + tokens.get("access_token")).outcome(), "the access token of the same login passes");
            BearerTokenCheck check = new BearerTokenCheck(new KeycloakJwtVerifier(issuer, Set.of()), revocations);
            assertEquals(Outcome.INVALID, check.check("Bearer " + tokens.get("refresh_token")).outcome(), "so is a refresh token");
        }
    }

    @Test
    void aDpopBoundTokenIsRefusedUnlessTheAppValidatesTheBinding(GuardEnvironment env) throws Exception {
        String issuer = env.baseUrl() + "/realms/" + REALM;
        String username = KeycloakAdmin.uniqueUsername("dpop");
        env.admin().createUser(REALM, username, "Correct-horse-42");
        String tokenEndpoint = Tokens.tokenEndpoint(env.baseUrl(), REALM);
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        SignedJWT proof = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
                .jwk(key.toPublicJWK()).build(),
                new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).claim("htm", "POST").claim("htu", tokenEndpoint)
                        .issueTime(new Date()).build());
        proof.sign(new ECDSASigner(key));
        Map<String, Object> tokens = given().header("DPoP", proof.serialize()).formParam("grant_type", "password")
                .formParam("client_id", "demo-cli").formParam("username", username).formParam("password", "Correct-horse-42")
                .post(tokenEndpoint).then().statusCode(200).extract().as(Map.class);
        String bound = (String) tokens.get("access_token");
        assertEquals("DPoP", tokens.get("token_type"));
        assertTrue(((Map<?, ?>) Tokens.claims(bound).get("cnf")).containsKey("jkt"), "Keycloak bound the token to the key");

        try (RedisClient jedis = RedisClient.create(env.redis().url());
             RevocationClient revocations = RevocationClient.builder(jedis, REALM).keyPrefix(env.keyPrefix()).start()) {
            assertTrue(revocations.awaitReady(Duration.ofSeconds(20)), "the feed loaded");
            KeycloakJwtVerifier verifier = new KeycloakJwtVerifier(issuer, Set.of());
            BearerTokenCheck check = new BearerTokenCheck(verifier, revocations);
            assertEquals(Outcome.INVALID, check.check("Bearer " + bound).outcome(),
                    "a stolen DPoP-bound token presented as a bearer token is refused");
            assertEquals(Outcome.MISSING, check.check("DPoP " + bound).outcome(), "the DPoP scheme is not this check's to accept");

            BearerTokenCheck validatesBinding = new BearerTokenCheck(verifier.acceptingSenderConstrainedTokens(), revocations);
            assertEquals(Outcome.ACCEPTED, validatesBinding.check("DPoP " + bound).outcome(),
                    "an app that validates the DPoP proof itself opts in");
        }
    }
}
