package io.keycloakguard.events.audit;

import io.keycloakguard.core.audit.AuditCheckpoints;
import io.keycloakguard.core.audit.AuditSignals;
import io.keycloakguard.core.audit.CanonicalJson;
import io.keycloakguard.core.audit.CheckpointKey;
import io.keycloakguard.core.audit.GuardAuditCursorEntity;
import io.keycloakguard.core.config.OptionReader;
import io.keycloakguard.core.outbox.OutboxProvider;
import io.keycloakguard.core.status.StatusSection;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code guard-audit}: enable it in a realm's event listeners and every user event (success and error) and
 * admin event becomes one audit record, written to the outbox in the event's own transaction (Keycloak
 * sends error events in a transaction of their own, and the listener then runs in that one). Sequence
 * numbers, the hash chain and the sinks come later, off the request ({@link AuditChainSinkFactory},
 * {@link AuditShipper}), so a login never waits for a realm-wide lock, a file or Redis.
 */
public class AuditEventListenerProviderFactory implements EventListenerProviderFactory, StatusSection {

    public static final String ID = AuditSignals.LISTENER_ID;
    static final String USERNAME_KEY_ATTRIBUTE = "guard.audit.username-hash-key";

    private static final Logger LOG = Logger.getLogger(AuditEventListenerProviderFactory.class);

    private AuditSettings settings;
    private AuditRecords records;
    private AuditShipper shipper;
    private AuditCheckpointer checkpointer;
    private final AuditMetrics metrics = new AuditMetrics();
    private final Map<String, byte[]> usernameKeys = new ConcurrentHashMap<>();

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
        OptionReader options = new OptionReader(config::get, key -> "spi-events-listener--" + ID + "--" + key);
        settings = AuditSettings.parse(options);
        records = new AuditRecords(settings);
        CheckpointKey key = null;
        if (settings.checkpoints()) {
            try {
                key = CheckpointKey.loadPrivate(Path.of(settings.checkpointKeyFile()));
            } catch (IOException | RuntimeException e) {
                // The message names the file, never its content.
                throw options.invalid("checkpoint-key-file", settings.checkpointKeyFile(), e.getMessage());
            }
            LOG.infof("Keycloak Guard: audit checkpoints on: every %d records or %s per realm, signed with the Ed25519"
                            + " key %s (give its public key to the verifier)", settings.checkpointRecords(),
                    settings.checkpointInterval(), key.id());
        }
        checkpointer = new AuditCheckpointer(key, settings.checkpointRecords(), settings.checkpointInterval());
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        List<AuditSink> sinks = new ArrayList<>();
        if (settings.fileSink()) {
            sinks.add(new FileAuditSink(Path.of(settings.filePath()), settings.fileMaxBytes(),
                    settings.fileMaxFiles()));
        }
        if (settings.redisStream()) {
            sinks.add(new RedisStreamAuditSink(settings.streamMaxLength()));
        }
        if (settings.log()) {
            sinks.add(new LogAuditSink());
        }
        if (!settings.checkpointFile().isEmpty()) {
            sinks.add(new FileAuditSink(Path.of(settings.checkpointFile()), settings.fileMaxBytes(),
                    settings.fileMaxFiles(), AuditCheckpoints.TYPE));
        }
        shipper = new AuditShipper(factory, settings, sinks, metrics, checkpointer);
        shipper.start();
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new Listener(session, this);
    }

    AuditShipper shipper() {
        return shipper;
    }

    AuditMetrics metrics() {
        return metrics;
    }

    AuditCheckpointer checkpointer() {
        return checkpointer;
    }

    @Override
    public String statusSection() {
        return "auditCheckpoints";
    }

    /** Whether checkpoints are on; if so, with which key and how often, and the realm's newest one. */
    @Override
    public Object status(KeycloakSession session, RealmModel realm) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("enabled", checkpointer != null && checkpointer.on());
        if (checkpointer == null || !checkpointer.on()) {
            status.put("message", "Audit checkpoints are off (no checkpoint-key-file): the hash chain alone shows edits,"
                    + " deletions, insertions and reordering within the records a verifier is given, but not the newest"
                    + " records truncated, nor a trail whose hashes were all recomputed.");
            return status;
        }
        status.put("keyId", checkpointer.keyId());
        status.put("everyRecords", checkpointer.everyRecords());
        status.put("interval", checkpointer.every().toString());
        status.put("checkpointFile", !settings.checkpointFile().isEmpty());
        try {
            GuardAuditCursorEntity newest = AuditCursors.em(session).find(GuardAuditCursorEntity.class,
                    GuardAuditCursorEntity.idOf(AuditCheckpointer.CURSOR, realm.getId()));
            if (newest != null && newest.getSeq() > 0) {
                status.put("newestSeq", newest.getSeq());
            }
        } catch (RuntimeException e) {
            status.put("error", e.getClass().getSimpleName());
        }
        return status;
    }

    @Override
    public void close() {
        if (shipper != null) {
            shipper.stop();
        }
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("file-path").type(ProviderConfigProperty.STRING_TYPE).defaultValue("")
                .helpText("JSON-lines file the audit records are appended to; empty turns the file sink off.").add()
                .property().name("file-max-size-mb").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("100")
                .helpText("Size in MiB at which the file is rotated to NAME.1 (older ones shift to NAME.2, …).").add()
                .property().name("file-max-files").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("10")
                .helpText("Rotated files kept; the oldest beyond this number is deleted.").add()
                .property().name("redis-stream").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true")
                .helpText("Ship records to one Redis Stream per realm (KEYPREFIX + audit:{REALM_ID}).").add()
                .property().name("stream-max-length").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("100000")
                .helpText("Approximate number of records each realm's stream keeps (older ones are trimmed).").add()
                .property().name("log").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
                .helpText("Also write every record to Keycloak's log (category io.keycloakguard.audit, INFO).").add()
                .property().name("include-representation").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
                .helpText("Include admin events' representations (the realm must also include them), secrets removed.").add()
                .property().name("truncate-ip").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
                .helpText("Record only the client's network (IPv4 /24, IPv6 /48), in every field that holds an address.").add()
                .property().name("hash-usernames").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
                .helpText("Record usernames, e-mail addresses, names and the other identities of the user (every field"
                        + " that holds one) as HMAC-SHA256 with a per-realm secret instead of in clear.").add()
                .property().name("drop-user-agent").type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
                .helpText("Leave the user agent family out of records.").add()
                .property().name("ship-interval").type(ProviderConfigProperty.STRING_TYPE).defaultValue("1s")
                .helpText("How often each node looks for chained records a sink has not received yet.").add()
                .property().name("batch-size").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("500")
                .helpText("Most records written to a sink in one step.").add()
                .property().name("db-retention").type(ProviderConfigProperty.STRING_TYPE).defaultValue("30d")
                .helpText("How long records stay queryable in the database once every sink has them.").add()
                .property().name("checkpoint-key-file").type(ProviderConfigProperty.STRING_TYPE).defaultValue("")
                .helpText("PEM file with the Ed25519 private key (openssl genpkey -algorithm ed25519) that signs a"
                        + " checkpoint into each realm's chain; keep it off the paths the audit file, stream and"
                        + " database live on. Empty: no checkpoints (the chain alone cannot show truncation or"
                        + " recomputed hashes).").add()
                .property().name("checkpoint-records").type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue(String.valueOf(AuditCheckpoints.DEFAULT_EVERY_RECORDS))
                .helpText("A signed checkpoint after at most this many records of a realm.").add()
                .property().name("checkpoint-interval").type(ProviderConfigProperty.STRING_TYPE)
                .defaultValue(AuditCheckpoints.DEFAULT_INTERVAL.toSeconds() + "s")
                .helpText("A signed checkpoint at least this often per realm, also when nothing happened (the verifier"
                        + " reports a trail whose newest checkpoint is older).").add()
                .property().name("checkpoint-file").type(ProviderConfigProperty.STRING_TYPE).defaultValue("")
                .helpText("JSON-lines file that receives the checkpoints alone (e.g. on another host's mount or WORM"
                        + " storage), rotated like file-path; empty: none.").add()
                .property().name("stream-check-interval").type(ProviderConfigProperty.STRING_TYPE).defaultValue("10s")
                .helpText("How often each node checks that each realm's Redis stream still holds the records it "
                        + "acknowledged (a failover or a restart without persistence can lose some); what it lacks is "
                        + "written again.").add()
                .build();
    }

    private byte[] usernameKey(KeycloakSession session, RealmModel realm) {
        if (!settings.hashUsernames()) {
            return null;
        }
        return usernameKeys.computeIfAbsent(realm.getId(), id -> {
            String key = realm.getAttribute(USERNAME_KEY_ATTRIBUTE);
            if (key == null) {
                // In a transaction of its own: the key must exist even if this request rolls back.
                key = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), s -> {
                    RealmModel r = s.realms().getRealm(id);
                    String existing = r.getAttribute(USERNAME_KEY_ATTRIBUTE);
                    if (existing != null) {
                        return existing;
                    }
                    byte[] random = new byte[32];
                    new SecureRandom().nextBytes(random);
                    String created = Base64.getEncoder().encodeToString(random);
                    r.setAttribute(USERNAME_KEY_ATTRIBUTE, created);
                    return created;
                });
            }
            return Base64.getDecoder().decode(key);
        });
    }

    private record Listener(KeycloakSession session, AuditEventListenerProviderFactory factory)
            implements EventListenerProvider {

        @Override
        public void onEvent(Event event) {
            long start = System.nanoTime();
            RealmModel realm = session.realms().getRealm(event.getRealmId());
            if (realm == null) {
                return;
            }
            String username = event.getDetails() == null ? null : event.getDetails().get("username");
            if (username == null && event.getUserId() != null) {
                UserModel user = session.users().getUserById(realm, event.getUserId());
                username = user == null ? null : user.getUsername();
            }
            Map<String, Object> record = factory.records.of(event, username, userAgent(),
                    factory.usernameKey(session, realm));
            write(event.getRealmId(), record, start);
        }

        @Override
        public void onEvent(AdminEvent event, boolean includeRepresentation) {
            long start = System.nanoTime();
            RealmModel realm = session.realms().getRealm(event.getRealmId());
            byte[] usernameKey = realm == null ? null : factory.usernameKey(session, realm);
            write(event.getRealmId(), factory.records.of(event, userAgent(), usernameKey), start);
        }

        private void write(String realmId, Map<String, Object> record, long start) {
            session.getProvider(OutboxProvider.class).add(AuditSignals.TOPIC, realmId, CanonicalJson.write(record));
            factory.metrics.listenerTime(System.nanoTime() - start);
        }

        private String userAgent() {
            try {
                return session.getContext().getRequestHeaders().getHeaderString("User-Agent");
            } catch (RuntimeException e) {
                // No HTTP request behind this event (a background task).
                LOG.tracef("no request headers: %s", e);
                return null;
            }
        }

        @Override
        public void close() {
        }
    }
}
