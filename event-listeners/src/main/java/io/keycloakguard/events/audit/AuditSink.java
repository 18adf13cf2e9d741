package io.keycloakguard.events.audit;

import org.keycloak.models.KeycloakSession;

import java.util.List;

/**
 * A destination of chained audit records. It receives each realm's records in seq order; after a crash it
 * may receive records again that it already has, and must then not write them twice.
 */
interface AuditSink {

    /** Names the sink's position (cursor) in the database; stable across restarts. */
    String name();

    /**
     * The only record type this sink receives (e.g. checkpoints), or null for every record. The shipper then reads
     * only those, and moves the sink's cursor past the others.
     */
    default String onlyType() {
        return null;
    }

    /** Writes the records (canonical JSON lines, consecutive seqs of one realm) or throws, writing none or some. */
    void write(KeycloakSession session, String realmId, String realmName, List<ChainedRecord> records) throws Exception;

    record ChainedRecord(long seq, String json) {
    }
}
