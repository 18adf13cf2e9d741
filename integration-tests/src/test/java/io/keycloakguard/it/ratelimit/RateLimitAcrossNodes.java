package io.keycloakguard.it.ratelimit;

import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.restassured.response.Response;

import java.util.List;
import java.util.Map;

import static io.keycloakguard.it.ratelimit.RateLimitRealm.PASSWORD;
import static io.keycloakguard.it.ratelimit.RateLimitRealm.WRONG;
import static io.keycloakguard.it.ratelimit.RateLimitRealm.assertWrongPassword;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-IP rate limit across two Keycloak nodes sharing Redis, whatever its topology: for the suite's cluster
 * ({@link IpRateLimitClusterIT}) and for the clusters of the Redis topology tests.
 */
public final class RateLimitAcrossNodes {

    private RateLimitAcrossNodes() {
    }

    /**
     * Five wrong passwords from one address, alternating the nodes, block the address on both (429 with a
     * Retry-After within the hour); another address still logs in on both; an allow-listed address is never blocked.
     */
    public static void assertFailuresOnEitherNodeBlockTheAddressOnBoth(DistributionKeycloak node1,
                                                                     DistributionKeycloak node2) {
        List<String> nodes = List.of(node1.baseUrl(), node2.baseUrl());
        RateLimitRealm realm = RateLimitRealm.create(KeycloakAdmin.of(node1), node1.baseUrl());
        String user = realm.newUser("rl-cluster");
        RateLimitedClient client = realm.directGrant("cluster", Map.of("maxFailures", "5", "window", "1h",
                "burstWindow", "0", "allowList", "192.0.2.0/24"));

        String attacker = RateLimitRealm.newAddress();
        for (int i = 0; i < 5; i++) {
            assertWrongPassword(client.passwordGrantOn(nodes.get(i % 2), attacker, user, WRONG),
                    "failure " + (i + 1) + " on node " + (i % 2 + 1));
        }
        for (String node : nodes) {
            Response blocked = client.passwordGrantOn(node, attacker, user, PASSWORD);
            assertEquals(429, blocked.statusCode(), node + ": " + blocked.asString());
            long retryAfter = Long.parseLong(blocked.header("Retry-After"));
            assertTrue(retryAfter > 0 && retryAfter <= 3600, "Retry-After " + retryAfter);
        }

        String other = RateLimitRealm.newAddress();
        for (String node : nodes) {
            assertEquals(200, client.passwordGrantOn(node, other, user, PASSWORD).statusCode(), node);
        }

        String allowListed = "192.0.2.77";
        for (int i = 0; i < 8; i++) {
            assertWrongPassword(client.passwordGrantOn(nodes.get(i % 2), allowListed, user, WRONG));
        }
        for (String node : nodes) {
            assertEquals(200, client.passwordGrantOn(node, allowListed, user, PASSWORD).statusCode(), node);
        }
    }
}
