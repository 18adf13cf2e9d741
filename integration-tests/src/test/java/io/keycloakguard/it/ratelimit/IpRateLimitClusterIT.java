package io.keycloakguard.it.ratelimit;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakCluster;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two Keycloak nodes sharing Redis: failed logins on either node count towards one limit, seen by both. The Redis
 * topology tests run the same check on clusters of their own (RedisSentinelIT, RedisClusterIT).
 */
@ExtendWith(KeycloakGuardExtension.class)
class IpRateLimitClusterIT {

    @Test
    void failuresSpreadOverTwoNodesBlockTheAddressOnBoth(GuardEnvironment env) {
        assumeTrue(KeycloakCluster.supported(env.database()), "a Keycloak cluster needs the suite on PostgreSQL");
        KeycloakCluster cluster = KeycloakCluster.shared(env);
        RateLimitAcrossNodes.assertFailuresOnEitherNodeBlockTheAddressOnBoth(cluster.nodes().get(0), cluster.nodes().get(1));
    }
}
