package io.keycloakguard.core.revocation;

import io.keycloakguard.core.config.OptionReader;
import io.keycloakguard.core.outbox.OutboxRecord;
import io.keycloakguard.core.outbox.OutboxSink;
import io.keycloakguard.core.outbox.OutboxSinkFactory;
import io.keycloakguard.core.outbox.OutboxSinkSpi;
import io.keycloakguard.core.redis.RedisConnectionProvider;
import io.keycloakguard.revocation.contract.Revocation;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Publishes revocations from the outbox to Redis (contract v1), and runs what keeps the feed trustworthy on this
 * node: the heartbeat ({@link RevocationHeartbeat}), the ledger checks ({@link RevocationLedger}) and the realms'
 * coverage ({@link RevocationCoverage}).
 */
public class RevocationSinkFactory implements OutboxSinkFactory {

    private final String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private RevocationCoverage coverage;
    private RevocationSettings settings;
    private RevocationHeartbeat heartbeat;
    private RevocationLedger ledger;

    @Override
    public String getId() {
        return Revocations.TOPIC;
    }

    @Override
    public void init(Config.Scope config) {
        settings = RevocationSettings.parse(new OptionReader(config::get,
                key -> "spi-" + OutboxSinkSpi.NAME + "--" + Revocations.TOPIC + "--" + key));
        coverage = new RevocationCoverage(settings.clockSkew().toSeconds());
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        heartbeat = new RevocationHeartbeat(factory, settings, node);
        heartbeat.start();
        ledger = new RevocationLedger(factory, settings, coverage);
        ledger.start();
    }

    @Override
    public OutboxSink create(KeycloakSession session) {
        RedisConnectionProvider redis = session.getProvider(RedisConnectionProvider.class);
        return records -> publish(redis, records);
    }

    /**
     * Publishes a batch. With {@code min-replicas}, each realm's records go through one connection followed by
     * {@code WAIT}: unless that many replicas confirm, the batch fails and stays in the outbox, so a failover to a
     * replica cannot lose a record whose outbox row is gone.
     */
    private void publish(RedisConnectionProvider redis, List<OutboxRecord> records) {
        RevocationPublisher publisher = new RevocationPublisher(redis.settings().keyPrefix(),
                RevocationPublisher.DEFAULT_STREAM_MAX_LENGTH);
        long now = System.currentTimeMillis() / 1000;
        Map<String, List<Revocation>> byRealm = new LinkedHashMap<>();
        for (OutboxRecord record : records) {
            Revocation r = Revocation.fromJson(record.payload());
            byRealm.computeIfAbsent(r.realm(), k -> new ArrayList<>()).add(r);
        }
        int replicas = settings.minReplicas();
        redis.execute(jedis -> {
            for (Map.Entry<String, List<Revocation>> realm : byRealm.entrySet()) {
                if (replicas == 0) {
                    realm.getValue().forEach(r -> publisher.publish(jedis, r, now));
                    continue;
                }
                Response<Long> acknowledged;
                try (AbstractPipeline pipeline = jedis.pipelined()) {
                    realm.getValue().forEach(r -> publisher.publish(pipeline, r, now));
                    acknowledged = pipeline.waitReplicas(publisher.keys(realm.getKey()).stream(), replicas,
                            settings.replicaTimeout().toMillis());
                    pipeline.sync();
                }
                if (acknowledged.get() < replicas) {
                    throw new IllegalStateException(acknowledged.get() + " of " + replicas
                            + " Redis replicas confirmed the revocations of realm " + realm.getKey());
                }
            }
            return null;
        });
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(RevocationSettings.HEARTBEAT_INTERVAL).type(ProviderConfigProperty.STRING_TYPE)
                .defaultValue("2s").helpText("How often each node writes every realm's publisher heartbeat. Resource "
                        + "servers count the feed as stale when the heartbeat is older than their bound (10 s by default).").add()
                .property().name(RevocationSettings.MIN_REPLICAS).type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue("0").helpText("Redis replicas that must confirm a revocation (WAIT) before its outbox row is "
                        + "removed. 0: the primary's answer is enough; the reconcile check republishes what a failover lost.").add()
                .property().name(RevocationSettings.REPLICA_TIMEOUT).type(ProviderConfigProperty.STRING_TYPE)
                .defaultValue("1s").helpText("How long to wait for those replicas before retrying later.").add()
                .property().name(RevocationSettings.RECONCILE_INTERVAL).type(ProviderConfigProperty.STRING_TYPE)
                .defaultValue("10s").helpText("How often each node checks that recent revocations are still in Redis.").add()
                .property().name(RevocationSettings.RECONCILE_WINDOW).type(ProviderConfigProperty.STRING_TYPE)
                .defaultValue("5m").helpText("How far back that check looks: a failover that loses writes is repaired if it "
                        + "completes within this window.").add()
                .property().name(RevocationSettings.CLOCK_SKEW).type(ProviderConfigProperty.STRING_TYPE)
                .defaultValue("60s").helpText("How long after a token's expiry a resource server may still accept it "
                        + "because clocks differ; every revocation record lives that much longer.").add()
                .build();
    }

    /** This node's view of every realm's longest access-token lifetime. */
    RevocationCoverage coverage() {
        return coverage;
    }

    /**
     * An admin changed a realm or a client: lifetimes may differ (recompute, extend live records if they grew), the
     * realm may have got or lost the revocation listener, or be renamed (heartbeats go to its realms' names).
     */
    public void realmChanged(String realmId) {
        coverage.invalidate(realmId);
        if (ledger != null) {
            ledger.sweepSoon();
        }
        if (heartbeat != null) {
            heartbeat.realmsChanged();
        }
    }

    /** For the status endpoint: records this node republished after data loss, after a failover, and extended. */
    long[] ledgerCounters() {
        return ledger == null ? new long[3] : ledger.counters();
    }

    /** For the status endpoint: when this node last wrote heartbeats (epoch ms, 0: never). */
    public long lastHeartbeatMillis() {
        return heartbeat == null ? 0 : heartbeat.lastWrittenMillis();
    }

    @Override
    public void close() {
        if (heartbeat != null) {
            heartbeat.stop();
        }
        if (ledger != null) {
            ledger.stop();
        }
    }
}
