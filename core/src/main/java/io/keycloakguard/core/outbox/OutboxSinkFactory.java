package io.keycloakguard.core.outbox;

import org.keycloak.provider.ProviderFactory;

/** The factory id is the outbox topic this sink delivers. */
public interface OutboxSinkFactory extends ProviderFactory<OutboxSink> {

    /**
     * Whether a commit that added records of this topic starts a delivery pass at once (revocations: every
     * millisecond counts) or lets the drainer gather the records of concurrent requests for a short while first
     * (audit: fewer, larger passes cost the requests on the same cores less).
     */
    default boolean deliverAtOnce() {
        return true;
    }
}
