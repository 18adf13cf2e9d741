package io.keycloakguard.core.outbox;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** {@code guard-outbox}: the pack's transactional outbox. */
public class OutboxSpi implements Spi {

    public static final String NAME = "guard-outbox";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return OutboxProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return OutboxProviderFactory.class;
    }
}
