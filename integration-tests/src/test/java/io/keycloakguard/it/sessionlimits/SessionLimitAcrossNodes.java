package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.KeycloakAdmin;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.keycloakguard.it.sessionlimits.DemoRealm.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The race-free session limit across two Keycloak nodes of one cluster, whatever Redis they share: for the suite's
 * cluster ({@link SessionLimitClusterIT}) and for the clusters of the Redis topology tests.
 */
public final class SessionLimitAcrossNodes {

    private SessionLimitAcrossNodes() {
    }

    /**
     * Five rounds of thirty parallel password logins of one user, alternating the two nodes, with a realm limit of
     * three: each round exactly three succeed, the rest are refused by the limit, and neither node ever lists more
     * than three sessions of the user.
     */
    public static void assertParallelLoginsNeverExceedTheLimit(DistributionKeycloak node1, DistributionKeycloak node2)
            throws Exception {
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
