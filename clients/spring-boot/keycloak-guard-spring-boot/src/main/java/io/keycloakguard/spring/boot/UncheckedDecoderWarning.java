package io.keycloakguard.spring.boot;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Says so at start when the application defines its own {@code JwtDecoder} bean that does not apply the revocation
 * check: Spring Boot then configures no decoder, so the validator bean is not used, and revoked tokens would pass
 * without anyone noticing. Boot's own decoders (these bean names, identical on Boot 3.5 and 4.x) got the validator.
 */
final class UncheckedDecoderWarning implements SmartInitializingSingleton {

    private static final Log LOG = LogFactory.getLog(UncheckedDecoderWarning.class);

    static final Set<String> BOOT_DECODERS = Set.of("jwtDecoderByJwkKeySetUri", "jwtDecoderByPublicKeyValue",
            "jwtDecoderByIssuerUri");

    private final ListableBeanFactory beans;
    private final List<String> unchecked = new ArrayList<>();

    UncheckedDecoderWarning(ListableBeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public void afterSingletonsInstantiated() {
        for (String name : beans.getBeanNamesForType(JwtDecoder.class, false, false)) {
            if (!BOOT_DECODERS.contains(name)
                    && !(beans.getBean(name) instanceof RevocationTokenValidator.CheckingJwtDecoder)) {
                unchecked.add(name);
                LOG.warn("Keycloak Guard: the application's own JwtDecoder bean '" + name + "' does not check "
                        + "revocation. Return revocationTokenValidator.wrap(decoder) from the bean method (or add the "
                        + "RevocationTokenValidator bean to the decoder's validators).");
            }
        }
    }

    /** The decoder beans found without the check (for tests and diagnostics). */
    List<String> unchecked() {
        return List.copyOf(unchecked);
    }
}
