package io.keycloakguard.core.config;

/**
 * A choice of a console form (LIST_TYPE) that the console shows and stores as words. Keycloak's ProviderConfigProperty
 * has no option labels (26.4 to 26.7: the console shows each option as stored), so the stored value is the label, as
 * Keycloak's own session limiter stores "Deny new session"; {@link OptionReader#choice} still reads the short ids
 * that configs written before stored.
 */
public interface LabelledChoice {

    /** What the console shows and stores, e.g. "Allow logins without the limit". */
    String label();
}
