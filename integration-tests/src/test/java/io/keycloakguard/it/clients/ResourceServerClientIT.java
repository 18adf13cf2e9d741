package io.keycloakguard.it.clients;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One package's app end to end through {@link ResourceServerScenario}, in the scenario's order: every package runs
 * the same steps, so a subclass only says how its app is built and started.
 */
@ExtendWith(KeycloakGuardExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ResourceServerClientIT {

    ResourceServerScenario scenario;

    /** Builds or installs the package (skipping with an assumption when its tools are absent) and starts its apps. */
    abstract ResourceServerScenario startScenario(GuardEnvironment env) throws Exception;

    @BeforeAll
    void startApps(GuardEnvironment env) throws Exception {
        scenario = startScenario(env);
    }

    @AfterAll
    void stopApps() {
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
