package io.keycloakguard.it.clients;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Node package end to end (issue 23, item 5): the tarball {@code npm pack} makes, installed with Express into a
 * fresh app directory, running the README's Express quick start with node, configured by environment variables only,
 * against the suite's Keycloak and Redis ({@link ResourceServerScenario}: the same steps for every package).
 * Skips only when node (>= 20) or npm is absent.
 */
@ExtendWith(KeycloakGuardExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExpressClientIT {

    static ResourceServerScenario scenario;

    @BeforeAll
    static void packageAndApps(GuardEnvironment env) throws Exception {
        assumeTrue(NodePackage.available(), "needs node >= 20 and npm on the PATH");
        NodePackage node = NodePackage.packAndInstall();
        System.out.println("[express] @keycloak-guard/revocation " + node.installedVersion() + " from npm pack");
        scenario = ResourceServerScenario.start(env, "express", node::start);
    }

    @AfterAll
    static void stop() {
        if (scenario != null) {
            scenario.close();
        }
    }

    @Test
    @Order(1)
    void signInThenLogout() {
        scenario.signInThenLogout();
    }

    @Test
    @Order(2)
    void adminDisablesTheUser() {
        scenario.adminDisablesTheUser();
    }

    @Test
    @Order(3)
    void rfc7009RevocationOfTheAccessToken() {
        scenario.rfc7009RevocationOfTheAccessToken();
    }

    @Test
    @Order(4)
    void redisRestartedWithItsDataLost() throws Exception {
        scenario.redisRestartedWithItsDataLost();
    }

    @Test
    @Order(5)
    void redisStoppedThenBack() {
        scenario.redisStoppedThenBack();
    }

    @Test
    @Order(6)
    void aClientsLongerLifespanIsCoveredPastTheRealmsLifespan() {
        scenario.aClientsLongerLifespanIsCoveredPastTheRealmsLifespan();
    }
}
