package io.keycloakguard.it.redis;

import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A bad pack option stops Keycloak at startup with a message that names the option and the value. */
@ExtendWith(KeycloakGuardExtension.class)
class BadRedisOptionIT {

    @Test
    void negativeTimeoutStopsKeycloakWithAClearMessage(GuardEnvironment env) {
        assumeTrue(env.keycloak() instanceof DistributionKeycloak, "needs the distribution backend");
        KeycloakOptions options = KeycloakOptions.defaults("bad-option", env.database(), env.redis().url(), env.keyPrefix())
                .withExtraArgs("--spi-guard-redis--default--connect-timeout=-5");

        String log = DistributionKeycloak.startExpectingFailure(options);

        assertTrue(log.contains("Invalid value '-5' for option 'spi-guard-redis--default--connect-timeout'"), log);
    }
}
