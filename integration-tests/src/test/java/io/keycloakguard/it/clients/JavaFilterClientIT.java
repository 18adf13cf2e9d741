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

/**
 * The Java client end to end (issue 23, item 5): revocation-client's servlet filter in a real servlet container
 * ({@link JavaFilterApp}), against the suite's Keycloak and Redis ({@link ResourceServerScenario}: the same steps for
 * every package).
 */
@ExtendWith(KeycloakGuardExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JavaFilterClientIT {

    static ResourceServerScenario scenario;

    @BeforeAll
    static void apps(GuardEnvironment env) throws Exception {
        scenario = ResourceServerScenario.start(env, "java", JavaFilterApp::start);
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
