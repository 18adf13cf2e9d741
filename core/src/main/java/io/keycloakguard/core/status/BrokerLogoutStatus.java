package io.keycloakguard.core.status;

import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The realm's part of the broker back-channel logout ({@code guard-broker-logout}): the OIDC identity providers whose
 * logout tokens it refuses because they do not validate signatures (anyone could forge such a token).
 */
final class BrokerLogoutStatus {

    /** Keycloak's OIDC identity providers; the social ones that extend them send no logout tokens. */
    private static final Set<String> OIDC_PROVIDERS = Set.of("oidc", "keycloak-oidc");

    private BrokerLogoutStatus() {
    }

    static Map<String, Object> of(KeycloakSession session) {
        List<String> refused = session.identityProviders().getAllStream()
                .filter(IdentityProviderModel::isEnabled)
                .filter(idp -> OIDC_PROVIDERS.contains(idp.getProviderId()))
                .filter(idp -> !Boolean.parseBoolean(idp.getConfig().get("validateSignature")))
                .map(IdentityProviderModel::getAlias).sorted().toList();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("refusedIdentityProviders", refused);
        return result;
    }
}
