package io.keycloakguard.spring.boot;

import io.keycloakguard.revocation.contract.Heartbeat;
import io.keycloakguard.revocation.contract.Revocation;
import io.keycloakguard.revocation.contract.RevocationKeys;
import io.keycloakguard.revocation.contract.RevocationKind;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;

import java.net.URI;
import java.util.UUID;

/** Writes a realm's feed as the pack's publisher does (record, stream entry, heartbeat), for tests. */
final class Feed implements AutoCloseable {

    static final String PREFIX = "test:";

    final String realm = "realm-" + UUID.randomUUID().toString().substring(0, 8);
    private final UnifiedJedis jedis;
    private final RevocationKeys keys;
    private String lastId = "0-0";

    Feed(String redisUrl) {
        this.jedis = new UnifiedJedis(URI.create(redisUrl));
        this.keys = new RevocationKeys(PREFIX, realm);
    }

    void revokeSession(String sid) {
        long now = System.currentTimeMillis() / 1000;
        publish(Revocation.of(realm, RevocationKind.SESSION, sid, null, now, now + 600, "logout"));
    }

    void revokeUser(String sub, long time) {
        publish(Revocation.of(realm, RevocationKind.USER, sub, null, time, time + 600, "user-disabled"));
    }

    void publish(Revocation revocation) {
        jedis.hset(keys.records(), revocation.key(), revocation.toJson());
        lastId = jedis.xadd(keys.stream(), XAddParams.xAddParams().id(StreamEntryID.NEW_ENTRY), revocation.toFields())
                .toString();
        heartbeat(System.currentTimeMillis());
    }

    /** A heartbeat saying everything committed before {@code drainedTo} is in the stream. */
    void heartbeat(long drainedToMillis) {
        jedis.hset(keys.heartbeat(), new Heartbeat(drainedToMillis, lastId, System.currentTimeMillis(), "test", 2).toFields());
    }

    @Override
    public void close() {
        jedis.close();
    }
}
