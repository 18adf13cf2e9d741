package io.keycloakguard.core.audit;

import io.keycloakguard.core.outbox.OutboxProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Map;
import java.util.TreeMap;

/**
 * How the pack's own features put a security signal (a revocation issued, a rate-limit block, …) into
 * the audit trail of a realm that has the {@code guard-audit} listener enabled: an audit record of type
 * {@code GUARD_<SIGNAL>} written to the outbox in the caller's transaction, chained and shipped like
 * every other record. Features that already send a Keycloak event can instead set the event detail
 * {@code guard_event}; the listener turns it into the record's {@code signal}.
 */
public final class AuditSignals {

    /** The audit listener's id, as enabled in a realm's event listeners. */
    public static final String LISTENER_ID = "guard-audit";

    /** The outbox topic of audit records. */
    public static final String TOPIC = "audit";

    /** The version of the record schema (docs/audit.md); raised on any incompatible change. */
    public static final int SCHEMA_VERSION = 1;

    private AuditSignals() {
    }

    public static boolean enabled(RealmModel realm) {
        return realm != null && realm.getEventsListenersStream().anyMatch(LISTENER_ID::equals);
    }

    /**
     * Records {@code signal} (lower case with dots, e.g. {@code revocation.issued}) for the user; the record's
     * type is {@code GUARD_} + the signal upper-cased with dots as underscores.
     */
    public static void record(KeycloakSession session, RealmModel realm, String signal, String userId,
                              Map<String, String> details) {
        if (!enabled(realm)) {
            return;
        }
        Map<String, Object> record = new TreeMap<>();
        record.put("v", (long) SCHEMA_VERSION);
        record.put("kind", "signal");
        record.put("time", System.currentTimeMillis());
        record.put("realmId", realm.getId());
        record.put("realm", realm.getName());
        record.put("type", typeOf(signal));
        record.put("signal", signal);
        record.put("outcome", "success");
        if (userId != null) {
            record.put("userId", userId);
        }
        record.put("details", new TreeMap<>(details));
        session.getProvider(OutboxProvider.class).add(TOPIC, realm.getId(), CanonicalJson.write(record));
    }

    public static String typeOf(String signal) {
        return "GUARD_" + signal.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
