package io.keycloakguard.core.outbox;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** {@code guard-outbox-sink}: where outbox records of one topic go; the factory id is the topic. */
public class OutboxSinkSpi implements Spi {

    public static final String NAME = "guard-outbox-sink";

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
        return OutboxSink.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return OutboxSinkFactory.class;
    }
}
