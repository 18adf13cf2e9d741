package io.keycloakguard.core.spi;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** An SPI the pack defines: public (configurable with {@code --spi-<name>--…}), always enabled. */
public abstract class PackSpi implements Spi {

    private final String name;
    private final Class<? extends Provider> providerClass;
    @SuppressWarnings("rawtypes")
    private final Class<? extends ProviderFactory> factoryClass;

    @SuppressWarnings("rawtypes")
    protected PackSpi(String name, Class<? extends Provider> providerClass, Class<? extends ProviderFactory> factoryClass) {
        this.name = name;
        this.providerClass = providerClass;
        this.factoryClass = factoryClass;
    }

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return providerClass;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return factoryClass;
    }
}
