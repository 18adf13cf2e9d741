package io.keycloakguard.core.outbox;

import io.keycloakguard.core.spi.PackSpi;

/** {@code guard-outbox-sink}: where outbox records of one topic go; the factory id is the topic. */
public class OutboxSinkSpi extends PackSpi {

    public static final String NAME = "guard-outbox-sink";

    public OutboxSinkSpi() {
        super(NAME, OutboxSink.class, OutboxSinkFactory.class);
    }
}
