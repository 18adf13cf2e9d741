package io.keycloakguard.authenticators.network.binding;

import io.keycloakguard.core.config.InvalidConfigurationException;
import jakarta.ws.rs.core.Response;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.services.ErrorResponse;

/**
 * The executor's configuration as Keycloak stores it in a client profile. It has no typed fields: every
 * option lands in the base class's map, so no value, however malformed, can make Jackson fail (which would
 * be an HTTP 500 when the admin saves the profile).
 */
public class NetworkBindingExecutorConfig extends ClientPolicyExecutorConfigurationRepresentation {

    /**
     * Called by Keycloak when an admin saves client profiles. Returning false gives the admin only Keycloak's
     * generic "invalid configuration" message; a 400 with the problem names the option and the bad entry.
     */
    @Override
    public boolean validateConfig() {
        try {
            NetworkBindingConfig.parse(getConfigAsMap());
            return true;
        } catch (InvalidConfigurationException e) {
            throw ErrorResponse.error("Invalid configuration of executor " + NetworkBindingExecutorFactory.ID + ": "
                    + e.getMessage(), Response.Status.BAD_REQUEST);
        }
    }
}
