package io.keycloakguard.it.revocation;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.contract.RevocationKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.StreamEntryID;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24 item 8: one bad entry in the feed (a kind this client does not know, written by a newer publisher or by
 * anyone who can write to Redis; a field missing) froze every Java client: it re-read the same entry forever and
 * stayed "fresh", so even a fail-closed client accepted every token revoked later. Now a bad entry is skipped and
 * counted, and the revocations after it apply.
 */
@ExtendWith(KeycloakGuardExtension.class)
class FeedPoisoningIT {

    @Test
    void badEntriesInTheStreamAreSkippedAndLaterLogoutsStillApply(GuardEnvironment env) throws Exception {
        try (FeedRealm realm = new FeedRealm(env, "poison", Map.of(), List.of(FeedRealm.publicClient("app", null)))) {
            assertTrue(realm.client.awaitReady(Duration.ofSeconds(30)), "the client loaded the feed");
            FeedRealm.User earlier = realm.newUserSignedIn("app");
            Tokens.logout(env.baseUrl(), realm.name, "app", earlier.refreshToken());
            Await.until(() -> realm.revoked(earlier), Duration.ofSeconds(20), "a logout before the bad entries applies");

            String stream = new RevocationKeys(env.keyPrefix(), realm.name).stream();
            long now = Instant.now().getEpochSecond();
            Map<String, String> unknownKind = new LinkedHashMap<>(Map.of("v", "1", "id", "poison-1", "realm", realm.name,
                    "kind", "realm", "subject", "*", "client", "", "time", String.valueOf(now),
                    "exp", String.valueOf(now + 600), "reason", "poison"));
            Map<String, String> missingSubject = new LinkedHashMap<>(Map.of("v", "1", "id", "poison-2",
                    "realm", realm.name, "kind", "session", "time", String.valueOf(now), "exp", String.valueOf(now + 600)));
            realm.jedis.xadd(stream, StreamEntryID.NEW_ENTRY, unknownKind);
            realm.jedis.xadd(stream, StreamEntryID.NEW_ENTRY, missingSubject);

            FeedRealm.User later = realm.newUserSignedIn("app");
            FeedRealm.User bystander = realm.newUserSignedIn("app");
            Tokens.logout(env.baseUrl(), realm.name, "app", later.refreshToken());
            Await.until(() -> realm.revoked(later), Duration.ofSeconds(20),
                    "a logout after two bad entries reaches the client (health: " + realm.client.health() + ")");
            assertTrue(realm.client.skipped() >= 2, "the bad entries are counted: " + realm.client.health());
            assertFalse(realm.revoked(bystander), "an unknown kind revokes nobody");
            RevocationKeys keys = new RevocationKeys(env.keyPrefix(), realm.name);
            try {
                Await.until(() -> !realm.client.isStale(), Duration.ofSeconds(20),
                        "the client confirms the publisher's heartbeat past the bad entries");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + " (" + realm.client.health() + "; heartbeat in Redis: "
                        + realm.jedis.hgetAll(keys.heartbeat()) + ", stream end: "
                        + realm.jedis.xrevrange(keys.stream(), "+", "-", 1) + ", data marker: "
                        + realm.jedis.exists(keys.epoch()) + ")", e);
            }
        }
    }
}
