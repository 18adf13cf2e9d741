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

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A resource server's whole check: the realm's JWKS, issuer, expiry, then the revocation feed. */
@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class BearerTokenCheckIT {

    static final String REALM = "guard-demo";

    @Test
    void acceptsValidTokensAndRejectsForgedForeignAndRevokedOnes(GuardEnvironment env) {
        String issuer = env.baseUrl() + "/realms/" + REALM;
        String username = KeycloakAdmin.uniqueUsername("bearer");
        String userId = env.admin().createUser(REALM, username, "Correct-horse-42");
        Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", username, "Correct-horse-42");
        String accessToken = (String) tokens.get("access_token");

        try (RedisClient jedis = RedisClient.create(env.redis().url());
             RevocationClient revocations = RevocationClient.builder(jedis, REALM).keyPrefix(env.keyPrefix())
                     .pollBlock(Duration.ofMillis(200)).start()) {
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

}
