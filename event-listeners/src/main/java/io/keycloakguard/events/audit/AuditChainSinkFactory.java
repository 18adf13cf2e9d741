package io.keycloakguard.events.audit;

import io.keycloakguard.core.audit.AuditChain;
import io.keycloakguard.core.audit.AuditSignals;
import io.keycloakguard.core.audit.CanonicalJson;
import io.keycloakguard.core.audit.GuardAuditCursorEntity;
import io.keycloakguard.core.audit.GuardAuditRecordEntity;
import io.keycloakguard.core.outbox.OutboxRecord;
import io.keycloakguard.core.outbox.OutboxSink;
import io.keycloakguard.core.outbox.OutboxSinkFactory;
import jakarta.persistence.EntityManager;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbox sink of topic {@code audit}: gives each record its place in its realm's hash chain. It runs in
 * the outbox drainer's transaction and holds the realm's chain-head row lock only while it inserts the
 * chained rows, so nodes extend one chain per realm one after another, and no login ever waits for it.
 * A record the outbox delivers again (its id is already chained) keeps the seq and hash it got first. With a
 * checkpoint key, a signed checkpoint follows every {@code checkpoint-records} records ({@link AuditCheckpointer}).
 */
public class AuditChainSinkFactory implements OutboxSinkFactory {

    private KeycloakSessionFactory factory;

    @Override
    public boolean deliverAtOnce() {
        return false;
    }

    @Override
    public String getId() {
        return AuditSignals.TOPIC;
    }

    @Override
    public OutboxSink create(KeycloakSession session) {
        return records -> chain(session, records);
    }

    private void chain(KeycloakSession session, List<OutboxRecord> records) {
        Map<String, List<OutboxRecord>> byRealm = new LinkedHashMap<>();
        records.forEach(r -> byRealm.computeIfAbsent(r.realmId(), k -> new ArrayList<>()).add(r));
        EntityManager em = AuditCursors.em(session);
        AuditEventListenerProviderFactory audit = listenerFactory();
        AuditCheckpointer checkpointer = audit == null ? null : audit.checkpointer();
        int chained = 0;
        for (Map.Entry<String, List<OutboxRecord>> realm : byRealm.entrySet()) {
            GuardAuditCursorEntity head = AuditCursors.lock(session, AuditCursors.CHAIN, realm.getKey());
            GuardAuditCursorEntity checkpoint = checkpointer == null ? null : checkpointer.cursor(session, realm.getKey());
            // Read under the lock: a node that chained some of these before us has committed by now.
            Set<String> chainedBefore = new HashSet<>(em.createQuery(
                            "select r.id from GuardAuditRecordEntity r where r.id in :ids", String.class)
                    .setParameter("ids", realm.getValue().stream().map(OutboxRecord::id).toList()).getResultList());
            for (OutboxRecord r : realm.getValue()) {
                if (chainedBefore.contains(r.id())) {
                    continue;
                }
                Map<String, Object> record = CanonicalJson.parse(r.payload());
                record.put("id", r.id());
                long seq = head.getSeq() + 1;
                Map<String, Object> linked = AuditChain.link(record, seq, head.getHash() == null ? AuditChain.GENESIS : head.getHash());
                em.persist(GuardAuditRecordEntity.of(r.id(), realm.getKey(), seq,
                        record.get("time") instanceof Long t ? t : r.createdAt(),
                        String.valueOf(record.getOrDefault("type", "UNKNOWN")),
                        record.get("userId") instanceof String u ? u : null, CanonicalJson.write(linked)));
                head.setSeq(seq);
                head.setHash((String) linked.get("hash"));
                chained++;
                if (checkpointer != null && checkpointer.afterRecord(session, realm.getKey(), head, checkpoint)) {
                    chained++;
                }
            }
        }
        em.flush();
        int count = chained;
        if (checkpointer != null && count > 0) {
            checkpointer.warnIfOff();
        }
        if (audit != null) {
            session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    audit.metrics().chained(count);
                    audit.shipper().shipSoon();
                }

                @Override
                protected void rollbackImpl() {
                }
            });
        }
    }

    private AuditEventListenerProviderFactory listenerFactory() {
        return (AuditEventListenerProviderFactory) factory.getProviderFactory(EventListenerProvider.class,
                AuditEventListenerProviderFactory.ID);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        this.factory = factory;
    }

    @Override
    public void close() {
    }
}
