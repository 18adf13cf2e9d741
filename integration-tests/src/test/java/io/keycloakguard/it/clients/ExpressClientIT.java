package io.keycloakguard.it.clients;

import io.keycloakguard.it.harness.GuardEnvironment;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Node package end to end (issue 23, item 5): the tarball {@code npm pack} makes, installed with Express into a
 * fresh app directory, running the README's Express quick start with node, configured by environment variables only,
 * against the suite's Keycloak and Redis ({@link ResourceServerScenario}: the same steps for every package).
 * Skips only when node (>= 20) or npm is absent.
 */
class ExpressClientIT extends ResourceServerClientIT {

    @Override
    ResourceServerScenario startScenario(GuardEnvironment env) throws Exception {
        assumeTrue(NodePackage.available(), "needs node >= 20 and npm on the PATH");
        NodePackage node = NodePackage.packAndInstall();
        System.out.println("[express] @keycloak-guard/revocation " + node.installedVersion() + " from npm pack");
        return ResourceServerScenario.start(env, "express", node::start);
    }
}
