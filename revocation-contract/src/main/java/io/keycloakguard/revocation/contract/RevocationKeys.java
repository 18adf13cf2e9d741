package io.keycloakguard.revocation.contract;

/**
 * Redis keys of contract v1 for one realm. All carry the realm in a hash tag, so in Redis Cluster they
 * live in one slot and a script can touch them together.
 */
public record RevocationKeys(String prefix, String realm) {

    /** HASH: live-set key ({@link Revocation#key()}) to the merged revocation as JSON. The snapshot. */
    public String records() {
        return base() + "records";
    }

    /** ZSET: live-set key scored by its expiry (epoch seconds), to forget what no token can need. */
    public String expiry() {
        return base() + "expiry";
    }

    /** STREAM: every revocation in order, capped; a consumer resumes from the last id it applied. */
    public String stream() {
        return base() + "stream";
    }

    /** STRING: marks a revocation id as published, so a redelivery changes nothing. */
    public String seen(String revocationId) {
        return base() + "seen:" + revocationId;
    }

    /** HASH: the publisher heartbeat ({@link Heartbeat}), revision 2. */
    public String heartbeat() {
        return base() + "heartbeat";
    }

    /**
     * STRING: the realm's data marker, written by the publisher after it gave Redis every live revocation of the
     * realm; gone means Redis (or the Cluster shard of this realm) lost the realm's data. Readers never touch it.
     */
    public String epoch() {
        return base() + "epoch";
    }

    private String base() {
        return prefix + "rev:v" + ContractRevision.VERSION + ":{" + realm + "}:";
    }
}
