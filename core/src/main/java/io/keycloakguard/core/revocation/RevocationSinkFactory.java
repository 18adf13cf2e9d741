package io.keycloakguard.core.revocation;

import io.keycloakguard.core.outbox.OutboxRecord;
import io.keycloakguard.core.outbox.OutboxSink;
import io.keycloakguard.core.outbox.OutboxSinkFactory;
import io.keycloakguard.core.redis.RedisConnectionProvider;
import io.keycloakguard.revocation.contract.Revocation;
import io.keycloakguard.core.revocation.RevocationPublisher;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

import java.util.List;

/** Publishes revocations from the outbox to Redis (contract v1). */
public class RevocationSinkFactory implements OutboxSinkFactory {

    /** How often each node checks that Redis still has the pack's data (one EXISTS call). */
    static final long REPUBLISH_CHECK_MILLIS = 2000;

    @Override
    public String getId() {
        return Revocations.TOPIC;
    }

    @Override
    public OutboxSink create(KeycloakSession session) {
        RedisConnectionProvider redis = session.getProvider(RedisConnectionProvider.class);
        return records -> publish(redis, records);
    }

    private static void publish(RedisConnectionProvider redis, List<OutboxRecord> records) {
        RevocationPublisher publisher = new RevocationPublisher(redis.settings().keyPrefix(),
                RevocationPublisher.DEFAULT_STREAM_MAX_LENGTH);
        long now = System.currentTimeMillis() / 1000;
        redis.execute(jedis -> {
            for (OutboxRecord record : records) {
                publisher.publish(jedis, Revocation.fromJson(record.payload()), now);
            }
            return null;
        });
    }

    @Override
    public void init(Config.Scope config) {
    }

    private RevocationRepublisher republisher;

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        republisher = new RevocationRepublisher(factory, REPUBLISH_CHECK_MILLIS);
        republisher.start();
    }

    @Override
    public void close() {
        if (republisher != null) {
            republisher.stop();
        }
    }
}
