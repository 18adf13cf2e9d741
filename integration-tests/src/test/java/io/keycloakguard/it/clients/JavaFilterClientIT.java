package io.keycloakguard.it.clients;

import io.keycloakguard.it.harness.GuardEnvironment;

/**
 * The Java client end to end (issue 23, item 5): revocation-client's servlet filter in a real servlet container
 * ({@link JavaFilterApp}), against the suite's Keycloak and Redis ({@link ResourceServerScenario}: the same steps for
 * every package).
 */
class JavaFilterClientIT extends ResourceServerClientIT {

    @Override
    ResourceServerScenario startScenario(GuardEnvironment env) throws Exception {
        return ResourceServerScenario.start(env, "java", JavaFilterApp::start);
    }
}
