package io.keycloakguard.it.revocation;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.RevocationClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * "Fail closed when stale" sees the publisher, not only the reader's own connection: when Redis refuses the pack's
 * writes (as when it is out of memory or a read-only replica) a logout waits in the outbox; the resource server can
 * still read Redis, yet its feed goes stale because Keycloak's heartbeat stops, and a fail-closed client rejects.
 */
@ExtendWith(KeycloakGuardExtension.class)
class RevocationHeartbeatIT {

    static final String REALM = "guard-demo";
    static final String PASSWORD = "Correct-horse-42";

    @Test
    void aPublisherThatCannotWriteMakesTheFeedStale(GuardEnvironment env) {
        assumeTrue(env.redis().isPrivate(), "changes the ACL of the suite's own Redis");
        try (RedisClient jedis = RedisClient.create(env.redis().url());
             RevocationClient failClosed = RevocationClient.builder(jedis, REALM).keyPrefix(env.keyPrefix())
                     .pollBlock(Duration.ofMillis(200)).staleAfter(Duration.ofSeconds(4)).failClosedWhenStale(true).start();
             RevocationClient failOpen = RevocationClient.builder(jedis, REALM).keyPrefix(env.keyPrefix())
                     .pollBlock(Duration.ofMillis(200)).staleAfter(Duration.ofSeconds(4)).start()) {
            Map<String, Object> user = signIn(env, "stalled-logout");
            Map<String, Object> bystander = signIn(env, "bystander");
            Map<String, Object> userClaims = Tokens.claims((String) user.get("access_token"));
            Map<String, Object> bystanderClaims = Tokens.claims((String) bystander.get("access_token"));
            Await.until(() -> !failClosed.isStale(), Duration.ofSeconds(20), "Keycloak's heartbeats keep the feed fresh");
            assertFalse(failClosed.isRevoked(bystanderClaims));

            try {
                acl(env, "-@write");
                Tokens.logout(env.baseUrl(), REALM, "demo-cli", user.get("refresh_token"));   // committed; stuck in the outbox
                Await.until(failClosed::isStale, Duration.ofSeconds(20),
                        "the reader still reaches Redis, but no heartbeat arrives: stale");
                assertTrue(failClosed.health().connected(), "the reader's own connection is fine");
                assertTrue(failClosed.isRevoked(bystanderClaims), "fail-closed: no token is accepted while stale");
                assertFalse(failOpen.isRevoked(bystanderClaims), "fail-open: answers from what it knows");
                assertFalse(failOpen.isRevoked(userClaims), "(the logout has not reached the feed: that is the window)");
            } finally {
                acl(env, "+@all");
            }

            Await.until(() -> !failClosed.isStale() && failClosed.isRevoked(userClaims), Duration.ofSeconds(45),
                    "once Redis takes writes again, the waiting logout arrives and the feed is fresh");
            assertFalse(failClosed.isRevoked(bystanderClaims));
            assertTrue(failOpen.isRevoked(userClaims));
        }
    }

    /** Changes what the default user (the pack's, and everyone's here) may do: every connection, at once. */
    private static void acl(GuardEnvironment env, String rule) {
        java.net.URI uri = java.net.URI.create(env.redis().url());
        try (redis.clients.jedis.Jedis admin = new redis.clients.jedis.Jedis(uri.getHost(), uri.getPort())) {
            admin.aclSetUser("default", rule);
        }
    }

    private static Map<String, Object> signIn(GuardEnvironment env, String hint) {
        String username = KeycloakAdmin.uniqueUsername(hint);
        env.admin().createUser(REALM, username, PASSWORD);
        return Tokens.passwordGrant(env.baseUrl(), REALM, "demo-cli", username, PASSWORD);
    }
}
