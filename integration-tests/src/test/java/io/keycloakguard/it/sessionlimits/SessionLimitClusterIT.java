package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakCluster;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two Keycloak processes on one PostgreSQL database: parallel logins on both never exceed the limit. The Redis
 * topology tests run the same check on clusters of their own (RedisSentinelIT, RedisClusterIT).
 */
@ExtendWith(KeycloakGuardExtension.class)
class SessionLimitClusterIT {

    @Test
    void thirtyParallelLoginsSpreadOverTwoNodesNeverLeaveMoreThanTheLimit(GuardEnvironment env) throws Exception {
        assumeTrue(KeycloakCluster.supported(env.database()), "a Keycloak cluster needs the suite on PostgreSQL");
        KeycloakCluster cluster = KeycloakCluster.shared(env);
        SessionLimitAcrossNodes.assertParallelLoginsNeverExceedTheLimit(cluster.nodes().get(0), cluster.nodes().get(1));
    }
}
