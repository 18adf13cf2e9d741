package io.keycloakguard.bench;

import io.keycloakguard.core.audit.AuditVerifier;
import io.keycloakguard.it.harness.Database;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.revocation.contract.RevocationKeys;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the pack committed (its tables in the cluster's schema) next to what it delivered (the revocation feed and
 * the audit stream in Redis, the audit file), for one realm: the soak's zero-loss accounting.
 */
final class SoakLedger implements AutoCloseable {

    /** One look at both sides. */
    record Snapshot(Map<String, Long> outboxPending, Map<String, String> revocationLedger, Map<String, Integer> revocationStream,
                    long auditRecords, long auditHead, Map<String, Long> auditByType, List<Long> auditFileSeqs,
                    List<Long> auditStreamSeqs) {

        List<String> revocationsNotDelivered() {
            return revocationLedger.keySet().stream().filter(id -> !revocationStream.containsKey(id)).sorted().toList();
        }

        long revocationStreamDuplicates() {
            return revocationStream.values().stream().mapToLong(n -> n - 1).sum();
        }

        long outboxTotal() {
            return outboxPending.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Every committed record is in both sinks, and the outbox is empty. */
        boolean drained() {
            return outboxTotal() == 0 && revocationsNotDelivered().isEmpty() && auditHead == auditRecords
                    && last(auditFileSeqs) >= auditHead && last(auditStreamSeqs) >= auditHead;
        }

        /** Ledger subjects of {@code session} revocations: the sessions the feed says were revoked. */
        List<String> revokedSessions() {
            List<String> sids = new ArrayList<>();
            for (String payload : revocationLedger.values()) {
                if (field(payload, "kind").equals("session")) {
                    sids.add(field(payload, "subject"));
                }
            }
            return sids;
        }
    }

    private final Connection db;
    private final String schema;
    private final RedisClient redis;
    private final String keyPrefix;
    private final String realm;
    private final String realmId;

    SoakLedger(Database database, RedisClient redis, String keyPrefix, String realm, String realmId) throws SQLException {
        this.db = DriverManager.getConnection(database.url(), database.username(), database.password());
        this.schema = database.schema();
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.realm = realm;
        this.realmId = realmId;
    }

    Snapshot snapshot() throws Exception {
        Map<String, Long> outbox = new TreeMap<>();
        query("select topic, count(*) from " + schema + ".guard_outbox group by topic", false,
                rs -> outbox.put(rs.getString(1), rs.getLong(2)));
        Map<String, String> ledger = new HashMap<>();
        query("select id, payload from " + schema + ".guard_revocation where realm_id = ?", true,
                rs -> ledger.put(rs.getString(1), rs.getString(2)));
        long[] audit = new long[2];
        query("select count(*), coalesce(max(seq), 0) from " + schema + ".guard_audit_record where realm_id = ?", true,
                rs -> {
                    audit[0] = rs.getLong(1);
                    audit[1] = rs.getLong(2);
                });
        Map<String, Long> byType = new TreeMap<>();
        query("select event_type, count(*) from " + schema + ".guard_audit_record where realm_id = ? group by event_type",
                true, rs -> byType.put(rs.getString(1), rs.getLong(2)));
        Map<String, Integer> delivered = new HashMap<>();
        for (StreamEntry e : redis.xrange(new RevocationKeys(keyPrefix, realm).stream(), "-", "+")) {
            delivered.merge(e.getFields().get("id"), 1, Integer::sum);
        }
        return new Snapshot(outbox, ledger, delivered, audit[0], audit[1], byType, fileSeqs(),
                auditStream().stream().map(e -> e.getID().getTime()).toList());
    }

    /** The audit verifier's verdict on the file and on the stream (each must hold one intact chain from seq 1). */
    List<AuditVerifier.Result> verifyAudit() throws Exception {
        List<AuditVerifier.Line> fromStream = auditStream().stream()
                .map(e -> new AuditVerifier.Line("stream " + e.getID(), e.getFields().get("record"))).toList();
        List<AuditVerifier.Line> fromFile = AuditVerifier.readFiles(KeycloakOptions.auditFile()).stream()
                .filter(l -> l.text().contains("\"realmId\":\"" + realmId + "\"")).toList();
        return List.of(AuditVerifier.verify(fromFile, true), AuditVerifier.verify(fromStream, true));
    }

    private List<StreamEntry> auditStream() {
        return redis.xrange(keyPrefix + "audit:{" + realmId + "}", "-", "+");
    }

    private List<Long> fileSeqs() throws Exception {
        Path file = KeycloakOptions.auditFile();
        List<Long> seqs = new ArrayList<>();
        for (AuditVerifier.Line line : AuditVerifier.readFiles(file)) {
            if (line.text().contains("\"realmId\":\"" + realmId + "\"")) {
                Matcher m = SEQ.matcher(line.text());
                if (m.find()) {
                    seqs.add(Long.parseLong(m.group(1)));
                }
            }
        }
        return seqs;
    }

    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    /** Seqs {@code 1..head}, each once, in order: the empty string, else what is wrong. */
    static String gapsOrDuplicates(List<Long> seqs, long head) {
        for (int i = 0; i < seqs.size(); i++) {
            if (seqs.get(i) != i + 1) {
                return "seq " + seqs.get(i) + " at position " + (i + 1) + " (a gap, a duplicate or out of order)";
            }
        }
        return seqs.size() == head ? "" : seqs.size() + " records, chain head " + head;
    }

    static long last(List<Long> seqs) {
        return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }

    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, boolean byRealm, Row row) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            if (byRealm) {
                st.setString(1, realmId);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    row.read(rs);
                }
            }
        }
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
