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
 * The Spring Boot starter end to end (issue 23, items 3 and 5): the example application's executable JAR, built by
 * Maven on one Boot line (the subclasses), run as its own JVM against the suite's Keycloak and Redis, with real
 * bearer tokens through Boot's JwtDecoder and the starter's validator. Configured by the cross-language
 * KEYCLOAK_GUARD_* variables only (application.properties reads ISSUER and AUDIENCE, the starter the rest).
 */
@ExtendWith(KeycloakGuardExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SpringBootClientIT {

    ResourceServerScenario scenario;

    /** The example module: {@code example} (newest Boot 4) or {@code example-boot3}. */
    abstract String module();

    @BeforeAll
    void startApps(GuardEnvironment env) throws Exception {
        scenario = ResourceServerScenario.start(env, "spring-" + module(),
                (name, settings) -> SpringBootApp.start(module(), name, settings));
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
