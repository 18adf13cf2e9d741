package io.keycloakguard.it.audit;

import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakCluster;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Two nodes delivering one realm's records concurrently still build one chain, shipped once, in order. */
@ExtendWith(KeycloakGuardExtension.class)
class AuditClusterIT {

    @Test
    void parallelLoginsOnTwoNodesGiveOneChain(GuardEnvironment env) throws Exception {
        assumeTrue(KeycloakCluster.supported(env.database()), "a Keycloak cluster needs the suite on PostgreSQL");
        // The suite's one cluster (started once, shared with the other two-node tests).
        KeycloakCluster cluster = KeycloakCluster.shared(env);
        DistributionKeycloak node1 = cluster.nodes().get(0);
        DistributionKeycloak node2 = cluster.nodes().get(1);
        AuditRealm realm = AuditRealm.create(env, KeycloakAdmin.of(node1), "cluster");
        List<String> usernames = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            usernames.add(realm.username(realm.createUser("cluster")));
        }
        long before = realm.awaitChained(); // the admin events of the set-up above, chained in the background

        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> logins = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String baseUrl = i % 2 == 0 ? node1.baseUrl() : node2.baseUrl();
            String username = usernames.get(i % usernames.size());
            boolean fail = i % 6 == 5;
            logins.add(pool.submit(() -> Tokens.passwordGrantResponse(baseUrl, realm.name, AuditRealm.CLIENT, username,
                    fail ? "wrong" : AuditRealm.PASSWORD).statusCode()));
        }
        for (Future<Integer> f : logins) {
            assertTrue(f.get() == 200 || f.get() == 400, "status " + f.get());
        }
        pool.shutdown();

        long head = realm.awaitShipped(before + 60);
        List<String> file = realm.fileLines();
        List<String> stream = realm.streamLines();
        assertEquals(file, stream, "the file and the stream agree");
        for (int i = 0; i < file.size(); i++) {
            assertEquals(i + 1, AuditRealm.seqOf(file.get(i)), "one chain: consecutive seqs, none twice");
        }
        assertEquals(head, file.size());
        List<Map<String, Object>> records = file.stream().map(AuditRealm::parse).toList();
        assertEquals(50, records.stream().filter(r -> "LOGIN".equals(r.get("type"))).count());
        assertEquals(10, records.stream().filter(r -> "LOGIN_ERROR".equals(r.get("type"))).count());
        assertEquals(records.size(), records.stream().map(r -> r.get("id")).distinct().count(), "no record twice");
        AuditRealm.Verification fileCheck = AuditRealm.verifyFile(env, KeycloakOptions.auditFile());
        assertEquals(0, fileCheck.exitCode(), fileCheck.output());
        AuditRealm.Verification streamCheck = AuditRealm.verifyStream(env, realm.streamKey());
        assertEquals(0, streamCheck.exitCode(), streamCheck.output());
    }
}