package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakCluster;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.keycloakguard.it.sessionlimits.DemoRealm.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Two Keycloak processes on one PostgreSQL database: parallel logins on both never exceed the limit. */
@ExtendWith(KeycloakGuardExtension.class)
class SessionLimitClusterIT {

    @Test
    void thirtyParallelLoginsSpreadOverTwoNodesNeverLeaveMoreThanTheLimit(GuardEnvironment env) throws Exception {
        assumeTrue(KeycloakCluster.supported(env.database()), "a Keycloak cluster needs the suite on PostgreSQL");
        KeycloakCluster cluster = KeycloakCluster.shared(env);
        DistributionKeycloak node1 = cluster.nodes().get(0);
        DistributionKeycloak node2 = cluster.nodes().get(1);
        KeycloakAdmin admin = KeycloakAdmin.of(node1);
        String realm = RaceRealm.create(admin);
        LimitedClient client = LimitedClient.create(admin, node1.baseUrl(), realm, "cluster-race",
                Map.of("realmLimit", "3"), Map.of());
        String username = KeycloakAdmin.uniqueUsername("cluster-race");
        String userId = admin.createUser(realm, username, PASSWORD);

        for (int round = 1; round <= 5; round++) {
            AtomicInteger next = new AtomicInteger();
            ParallelLogins.Result result = ParallelLogins.run(30, () -> client.passwordGrantOn(
                    next.getAndIncrement() % 2 == 0 ? node1.baseUrl() : node2.baseUrl(), username, PASSWORD));
            for (KeycloakAdmin nodeAdmin : List.of(admin, KeycloakAdmin.of(node2))) {
                List<Object> sessions = RaceRealm.sessionIds(nodeAdmin, realm, userId);
                assertTrue(sessions.size() <= 3, "round " + round + ": " + sessions.size() + " sessions, " + result);
            }
            assertEquals(3, result.succeeded(), "round " + round + ": " + result);
            assertEquals(27, result.refusedByLimit(), "round " + round + ": " + result);
            admin.request().post("/admin/realms/{realm}/users/{id}/logout", realm, userId).then().statusCode(204);
        }
    }
}
