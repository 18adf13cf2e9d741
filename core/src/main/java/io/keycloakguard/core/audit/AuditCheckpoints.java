package io.keycloakguard.core.audit;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Signed checkpoints in a realm's audit chain. A checkpoint is a chained record of kind {@code checkpoint}
 * (type {@link #TYPE}) whose {@code checkpoint} object, the <em>statement</em>, says: in realm R the record
 * at seq S has hash H (S is the seq right before the checkpoint, H its {@code prev}); signed at time T; the
 * previous checkpoint of the realm is seq P with hash HP; the next follows within {@code everyRecords} records
 * or {@code everyMillis} ms. Its {@code signature} is the Ed25519 signature of the statement's canonical JSON
 * with a key the trail never holds ({@link CheckpointKey}). Whoever lacks the key can neither recompute a
 * checkpoint after rewriting records nor make a new one, so the verifier can report rewrites before the last
 * checkpoint, deleted checkpoints, and (given the current time) a trail that ends before its last checkpoint
 * window.
 */
public final class AuditCheckpoints {

    public static final String KIND = "checkpoint";
    public static final String TYPE = "GUARD_CHECKPOINT";

    /** Default: a checkpoint at least every this many records of a realm. */
    public static final int DEFAULT_EVERY_RECORDS = 1000;
    /** Default: a checkpoint at least this often per realm, even when nothing happened (so silence is evidence). */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    /** Default allowance for a checkpoint to reach a sink after it was signed (shipping, a short sink outage). */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    private AuditCheckpoints() {
    }

    /** The statement a checkpoint signs, and its place in the realm's checkpoints. */
    public record Statement(String realmId, long seq, String hash, long time, long prevSeq, String prevHash,
                            long everyRecords, long everyMillis, String keyId) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new TreeMap<>();
            m.put("realmId", realmId);
            m.put("seq", seq);
            m.put("hash", hash);
            m.put("time", time);
            m.put("prevSeq", prevSeq);
            m.put("prevHash", prevHash);
            m.put("everyRecords", everyRecords);
            m.put("everyMillis", everyMillis);
            m.put("keyId", keyId);
            return m;
        }

        /** Null when the map lacks a field or has one of the wrong type. */
        static Statement of(Object value) {
            if (!(value instanceof Map<?, ?> m) || !(m.get("realmId") instanceof String realmId)
                    || !(m.get("seq") instanceof Long seq) || !(m.get("hash") instanceof String hash)
                    || !(m.get("time") instanceof Long time) || !(m.get("prevSeq") instanceof Long prevSeq)
                    || !(m.get("prevHash") instanceof String prevHash)
                    || !(m.get("everyRecords") instanceof Long everyRecords)
                    || !(m.get("everyMillis") instanceof Long everyMillis) || !(m.get("keyId") instanceof String keyId)) {
                return null;
            }
            return new Statement(realmId, seq, hash, time, prevSeq, prevHash, everyRecords, everyMillis, keyId);
        }
    }

    /**
     * The checkpoint record that follows the record {@code seq}/{@code hash} of the realm (seq, prev and hash are
     * added by {@link AuditChain#link}: seq + 1, prev = {@code hash}).
     *
     * @param prevSeq  the previous checkpoint's seq, 0 for the realm's first
     * @param prevHash the previous checkpoint's hash, {@link AuditChain#GENESIS} for the realm's first
     */
    public static Map<String, Object> record(CheckpointKey key, String realmId, String realmName, long seq, String hash,
                                             long time, long prevSeq, String prevHash, int everyRecords, Duration every) {
        Statement statement = new Statement(realmId, seq, hash, time, prevSeq, prevHash, everyRecords, every.toMillis(),
                key.id());
        Map<String, Object> checkpoint = statement.toMap();
        Map<String, Object> record = new TreeMap<>();
        record.put("v", (long) AuditSignals.SCHEMA_VERSION);
        record.put("kind", KIND);
        record.put("type", TYPE);
        record.put("outcome", "success");
        record.put("id", UUID.randomUUID().toString());
        record.put("time", time);
        record.put("realmId", realmId);
        if (realmName != null) {
            record.put("realm", realmName);
        }
        record.put("checkpoint", checkpoint);
        record.put("signature", key.sign(CanonicalJson.write(checkpoint)));
        return record;
    }

    public static boolean isCheckpoint(Map<String, Object> record) {
        return KIND.equals(record.get("kind"));
    }

    /** The statement of a checkpoint record, or null when it has none in the expected form. */
    public static Statement statementOf(Map<String, Object> record) {
        return Statement.of(record.get("checkpoint"));
    }

    /**
     * Checks a checkpoint record on its own: a statement in the expected form, for this record's realm and the record
     * right before it ({@code seq - 1}, whose hash is this record's {@code prev}), signed by one of {@code keys}.
     * Returns the problem, or null.
     */
    public static String problemOf(Map<String, Object> record, Map<String, CheckpointKey> keys) {
        Statement s = statementOf(record);
        if (s == null || !(record.get("signature") instanceof String signature)) {
            return "a checkpoint without a statement or signature in the expected form (altered)";
        }
        CheckpointKey key = keys.get(s.keyId());
        if (key == null) {
            return "a checkpoint signed with key " + s.keyId() + ", not one of the keys given (" + keys.keySet() + ")";
        }
        if (!key.verify(CanonicalJson.write(s.toMap()), signature)) {
            return "the checkpoint's signature does not verify (the checkpoint was altered or forged)";
        }
        if (!s.realmId().equals(record.get("realmId"))) {
            return "a checkpoint signed for realm " + s.realmId() + " (moved from another realm)";
        }
        long seq = (Long) record.get("seq");
        if (s.seq() != seq - 1 || !s.hash().equals(record.get("prev"))) {
            return "the checkpoint signed seq " + s.seq() + " with hash " + s.hash() + ", but the trail has seq " + (seq - 1)
                    + " with hash " + record.get("prev")
                    + " (records up to the checkpoint were rewritten and their hashes recomputed)";
        }
        return null;
    }
}
