package io.keycloakguard.core.outbox;

import io.keycloakguard.core.spi.PackSpi;

/** {@code guard-outbox}: the pack's transactional outbox. */
public class OutboxSpi extends PackSpi {

    public static final String NAME = "guard-outbox";

    public OutboxSpi() {
        super(NAME, OutboxProvider.class, OutboxProviderFactory.class);
    }
}
