package io.keycloakguard.events.audit;

import io.keycloakguard.core.redis.RedisConnectionProvider;
import org.keycloak.models.KeycloakSession;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One capped Redis Stream per realm, {@code KEYPREFIX + audit:{REALM_ID}}, entry id {@code SEQ-0} and one
 * field {@code record} (the canonical JSON). The entry id makes redelivery harmless: records at or below
 * the stream's last id are already there and skipped. The shipper asks for the stream's last id every
 * {@code stream-check-interval}: records a failover or an empty restart lost are written again. Keyed by the realm's id, not its name: a realm deleted
 * and created again under the same name starts a new chain at seq 1, which must not land in the old stream
 * (whose higher ids would make every new record look delivered already).
 */
final class RedisStreamAuditSink implements AuditSink {

    private final int maxLength;

    RedisStreamAuditSink(int maxLength) {
        this.maxLength = maxLength;
    }

    static String key(String prefix, String realmId) {
        return prefix + "audit:{" + realmId + "}";
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public void write(KeycloakSession session, String realmId, String realmName, List<ChainedRecord> records) {
        RedisConnectionProvider redis = session.getProvider(RedisConnectionProvider.class);
        String key = key(redis.settings().keyPrefix(), realmId);
        redis.execute(jedis -> {
            long lastSeq = lastSeq(jedis, key);
            for (ChainedRecord r : records) {
                if (r.seq() > lastSeq) {
                    jedis.xadd(key, XAddParams.xAddParams().id(r.seq(), 0).maxLen(maxLength).approximateTrimming(),
                            Map.of("record", r.json()));
                }
            }
            return null;
        });
    }

    @Override
    public boolean tellsLastSeq() {
        return true;
    }

    /** The stream's newest entry: what Redis holds now, which after a failover may be less than it acknowledged. */
    @Override
    public OptionalLong lastSeq(KeycloakSession session, String realmId) {
        RedisConnectionProvider redis = session.getProvider(RedisConnectionProvider.class);
        String key = key(redis.settings().keyPrefix(), realmId);
        return OptionalLong.of(redis.execute(jedis -> lastSeq(jedis, key)));
    }

    private static long lastSeq(UnifiedJedis jedis, String key) {
        List<StreamEntry> last = jedis.xrevrange(key, StreamEntryID.MAXIMUM_ID, StreamEntryID.MINIMUM_ID, 1);
        return last.isEmpty() ? 0 : last.get(0).getID().getTime();
    }
}
