package io.keycloakguard.it.ratelimit;

import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakCluster;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static io.keycloakguard.it.ratelimit.RateLimitRealm.PASSWORD;
import static io.keycloakguard.it.ratelimit.RateLimitRealm.WRONG;
import static io.keycloakguard.it.ratelimit.RateLimitRealm.assertWrongPassword;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Two Keycloak nodes sharing Redis: failed logins on either node count towards one limit, seen by both. */
@ExtendWith(KeycloakGuardExtension.class)
class IpRateLimitClusterIT {

    @Test
    void failuresSpreadOverTwoNodesBlockTheAddressOnBoth(GuardEnvironment env) {
        assumeTrue(KeycloakCluster.supported(env.database()), "a Keycloak cluster needs the suite on PostgreSQL");
        KeycloakCluster cluster = KeycloakCluster.shared(env);
        DistributionKeycloak node1 = cluster.nodes().get(0);
        DistributionKeycloak node2 = cluster.nodes().get(1);
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
