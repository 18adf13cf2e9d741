package io.keycloakguard.it.redis;

import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.KeycloakCluster;
import io.keycloakguard.it.harness.KeycloakOptions;

import java.util.List;

/**
 * The Keycloak of a Redis topology test: two clustered nodes when the suite runs on PostgreSQL (so the topology's
 * test also runs the two-node checks, on the same nodes and with one start), else one node of its own.
 */
final class TopologyNodes implements AutoCloseable {

    private final AutoCloseable owner;
    private final List<DistributionKeycloak> nodes;

    private TopologyNodes(AutoCloseable owner, List<DistributionKeycloak> nodes) {
        this.owner = owner;
        this.nodes = nodes;
    }

    /** Two nodes on the scratch schema {@code <schema>_<name>} (PostgreSQL), or one on a scratch database. */
    static TopologyNodes start(KeycloakOptions options, String name) {
        long started = System.nanoTime();
        TopologyNodes nodes;
        if (KeycloakCluster.supported(options.database())) {
            KeycloakCluster cluster = KeycloakCluster.start(options, 2, name);
            nodes = new TopologyNodes(cluster, cluster.nodes());
        } else {
            DistributionKeycloak kc = DistributionKeycloak.startScratch(options);
            nodes = new TopologyNodes(kc, List.of(kc));
        }
        System.out.printf("[%s] %d Keycloak node(s) ready in %.1f s%n", name, nodes.nodes.size(),
                (System.nanoTime() - started) / 1e9);
        return nodes;
    }

    boolean twoNodes() {
        return nodes.size() == 2;
    }

    DistributionKeycloak first() {
        return nodes.get(0);
    }

    DistributionKeycloak second() {
        return nodes.get(nodes.size() - 1);
    }

    List<String> baseUrls() {
        return nodes.stream().map(DistributionKeycloak::baseUrl).toList();
    }

    @Override
    public void close() throws Exception {
        owner.close();
    }
}
