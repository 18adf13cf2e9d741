package io.keycloakguard.core.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-realm hash chain of audit records. A chained record carries {@code seq} (1, 2, 3, … per realm),
 * {@code prev} (the previous record's hash, {@link #GENESIS} for seq 1) and {@code hash} =
 * SHA-256 hex of ({@code prev} + the canonical JSON of the record without its {@code hash} field).
 */
public final class AuditChain {

    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    /** The record with seq, prev and hash set; the input map is not changed. */
    public static Map<String, Object> link(Map<String, Object> record, long seq, String prev) {
        Map<String, Object> linked = new TreeMap<>(record);
        linked.remove("hash");
        linked.put("seq", seq);
        linked.put("prev", prev);
        linked.put("hash", hashOf(linked));
        return linked;
    }

    /** The hash a chained record should carry, computed from its other fields. */
    public static String hashOf(Map<String, Object> record) {
        Map<String, Object> withoutHash = new TreeMap<>(record);
        withoutHash.remove("hash");
        Object prev = withoutHash.get("prev");
        return sha256Hex((prev == null ? "" : prev.toString()) + CanonicalJson.write(withoutHash));
    }

    static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
