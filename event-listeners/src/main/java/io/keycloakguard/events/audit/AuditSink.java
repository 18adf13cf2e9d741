package io.keycloakguard.events.audit;

import org.keycloak.models.KeycloakSession;

import java.util.List;
import java.util.OptionalLong;

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

    /**
     * The highest seq of the realm's records the sink holds now, if it can tell. A sink that can lose records it
     * acknowledged (a Redis failover to a replica that missed them, a restart without persistence) tells, so that
     * the shipper writes them again; empty: the sink keeps what it acknowledged.
     */
    default OptionalLong lastSeq(KeycloakSession session, String realmId) {
        return OptionalLong.empty();
    }

    /** Whether {@link #lastSeq} tells (the shipper then asks it every {@code stream-check-interval}). */
    default boolean tellsLastSeq() {
        return false;
    }

    record ChainedRecord(long seq, String json) {
    }
}
