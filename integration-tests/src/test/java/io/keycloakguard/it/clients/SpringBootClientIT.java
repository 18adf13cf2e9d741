package io.keycloakguard.it.clients;

import io.keycloakguard.it.harness.GuardEnvironment;

/**
 * The Spring Boot starter end to end (issue 23, items 3 and 5): the example application's executable JAR, built by
 * Maven on one Boot line (the subclasses), run as its own JVM against the suite's Keycloak and Redis, with real
 * bearer tokens through Boot's JwtDecoder and the starter's validator. Configured by the cross-language
 * KEYCLOAK_GUARD_* variables only (application.properties reads ISSUER and AUDIENCE, the starter the rest).
 */
abstract class SpringBootClientIT extends ResourceServerClientIT {

    /** The example module: {@code example} (newest Boot 4) or {@code example-boot3}. */
    abstract String module();

    @Override
    ResourceServerScenario startScenario(GuardEnvironment env) throws Exception {
        return ResourceServerScenario.start(env, "spring-" + module(),
                (name, settings) -> SpringBootApp.start(module(), name, settings));
    }
}
