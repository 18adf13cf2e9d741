package io.keycloakguard.core.outbox;

import io.keycloakguard.core.config.OptionReader;
import io.keycloakguard.core.redis.RedisRecoveredEvent;
import org.keycloak.Config;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

public class JpaOutboxProviderFactory implements OutboxProviderFactory {

    public static final String PROVIDER_ID = "default";

    private OutboxSettings settings;
    private OutboxDrainer drainer;
    private final OutboxMetrics metrics = new OutboxMetrics();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope config) {
        settings = OutboxSettings.parse(new OptionReader(config::get,
                key -> "spi-" + OutboxSpi.NAME + "--" + PROVIDER_ID + "--" + key));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        drainer = new OutboxDrainer(factory, settings, metrics);
        drainer.start();
        factory.register(event -> {
            if (event instanceof RedisRecoveredEvent) {
                drainer.retryAtOnceTopicsNow();
            }
        });
    }

    @Override
    public OutboxProvider create(KeycloakSession session) {
        return new JpaOutboxProvider(session, drainer, metrics);
    }

    @Override
    public void close() {
        if (drainer != null) {
            drainer.stop();
        }
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("drain-interval").type(ProviderConfigProperty.STRING_TYPE).defaultValue("1s")
                .helpText("How often each node looks for outbox records that are still undelivered.").add()
                .property().name("batch-size").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("200")
                .helpText("Most records one delivery pass takes.").add()
                .property().name("claim-timeout").type(ProviderConfigProperty.STRING_TYPE).defaultValue("30s")
                .helpText("How long a node owns records it is delivering before another node may take them over.").add()
                .property().name("max-backoff").type(ProviderConfigProperty.STRING_TYPE).defaultValue("30s")
                .helpText("Longest wait between two delivery attempts of a record whose sink is down.").add()
                .build();
    }

    private static final class JpaOutboxProvider implements OutboxProvider {

        private final KeycloakSession session;
        private final OutboxDrainer drainer;
        private final OutboxMetrics metrics;
        private final Map<String, Integer> addedByTopic = new HashMap<>();

        JpaOutboxProvider(KeycloakSession session, OutboxDrainer drainer, OutboxMetrics metrics) {
            this.session = session;
            this.drainer = drainer;
            this.metrics = metrics;
            // Enlisted when the provider is created, not at the first add: an add made while the transaction is
            // already committing (a prepare-phase hook) can no longer enlist anything.
            session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    if (!addedByTopic.isEmpty()) {
                        addedByTopic.forEach(metrics::written);
                        drainer.drainSoon(addedByTopic.keySet());
                    }
                }

                @Override
                protected void rollbackImpl() {
                    // Rolled back with the change that caused them: nothing to deliver.
                }
            });
        }

        @Override
        public void add(String topic, String realmId, String payload) {
            long now = System.currentTimeMillis();
            GuardOutboxEntity entry = new GuardOutboxEntity();
            entry.setId(UUID.randomUUID().toString());
            entry.setTopic(topic);
            entry.setRealmId(realmId);
            entry.setPayload(payload);
            entry.setCreatedAt(now);
            entry.setNextAttemptAt(now);
            OutboxStore.em(session).persist(entry);
            addedByTopic.merge(topic, 1, Integer::sum);
        }
    }
}
