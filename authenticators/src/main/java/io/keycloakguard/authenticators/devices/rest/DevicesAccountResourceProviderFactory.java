package io.keycloakguard.authenticators.devices.rest;

import io.keycloakguard.core.rest.GuardRealmResourceFactory;

/** Serves {@link DevicesAccountResource} under {@code /realms/{realm}/guard-devices}. */
public class DevicesAccountResourceProviderFactory extends GuardRealmResourceFactory {

    public static final String ID = "guard-devices";

    public DevicesAccountResourceProviderFactory() {
        super(ID, DevicesAccountResource::new);
    }
}
