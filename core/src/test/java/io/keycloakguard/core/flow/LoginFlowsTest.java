package io.keycloakguard.core.flow;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginFlowsTest {

    @Test
    void theTokenEndpointsFlowHasNoPages() {
        assertFalse(LoginFlows.hasPages("token", false));
        assertFalse(LoginFlows.hasPages("token", true));
    }

    @Test
    void everyEndpointWithPagesHasPagesWhateverFlowItRuns() {
        for (String path : new String[]{"authenticate", "registration", "reset-credentials", "first-broker-login",
                "post-broker-login"}) {
            assertTrue(LoginFlows.hasPages(path, false), path);
            assertTrue(LoginFlows.hasPages(path, true), path + " (a browser flow that is also the direct-grant binding)");
        }
    }

    @Test
    void withoutAFlowPathTheBindingDecides() {
        assertFalse(LoginFlows.hasPages(null, true));
        assertTrue(LoginFlows.hasPages(null, false));
    }
}
