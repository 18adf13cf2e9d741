package io.keycloakguard.revocation;

/**
 * Redis keys of contract v1 for one realm. All carry the realm in a hash tag, so in Redis Cluster they
 * live in one slot and the publish script can touch them together.
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

    private String base() {
        return prefix + "rev:v1:{" + realm + "}:";
    }
}
