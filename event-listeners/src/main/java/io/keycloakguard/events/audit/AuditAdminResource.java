package io.keycloakguard.events.audit;

import io.keycloakguard.core.audit.AuditSignals;
import io.keycloakguard.core.audit.GuardAuditCursorEntity;
import io.keycloakguard.core.audit.GuardAuditRecordEntity;
import io.keycloakguard.core.rest.RequestInputs;
import io.keycloakguard.core.revocation.Revocations;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.List;

/**
 * {@code /admin/realms/{realm}/guard-audit/…}: the realm's audit records as stored in the database (chained,
 * newest first), for callers with {@code view-events} on the realm.
 */
public class AuditAdminResource {

    private static final int MAX_PAGE = 1000;
    /** The longest user id or event type a filter can hold (the columns' lengths). */
    private static final int MAX_USER_ID = 255;
    private static final int MAX_TYPE = 64;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;

    AuditAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
    }

    /**
     * Records filtered by user id, type and time range (epoch milliseconds, inclusive), newest first; {@code first}
     * (0 to 2147483647) skips that many, {@code max} (at most 1000) is the page size. A value out of range is a 400.
     */
    @GET
    @Path("records")
    @Produces(MediaType.APPLICATION_JSON)
    public String records(@QueryParam("user") String rawUser, @QueryParam("type") String rawType,
                          @QueryParam("from") String from, @QueryParam("to") String to,
                          @QueryParam("first") String first, @QueryParam("max") String max) {
        auth.realm().requireViewEvents();
        String user = RequestInputs.filter("user", rawUser, MAX_USER_ID);
        String type = RequestInputs.filter("type", rawType, MAX_TYPE);
        int firstResult = (int) RequestInputs.number("first", first, 0, 0, Integer.MAX_VALUE);
        int maxResults = (int) Math.min(MAX_PAGE, RequestInputs.number("max", max, 100, 0, Long.MAX_VALUE));
        StringBuilder jpql = new StringBuilder("select r from GuardAuditRecordEntity r where r.realmId = :realm");
        if (user != null) {
            jpql.append(" and r.userId = :user");
        }
        if (type != null) {
            jpql.append(" and r.type = :type");
        }
        Long fromMillis = from == null || from.isBlank() ? null : RequestInputs.number("from", from, 0, 0, Long.MAX_VALUE);
        Long toMillis = to == null || to.isBlank() ? null : RequestInputs.number("to", to, 0, 0, Long.MAX_VALUE);
        if (fromMillis != null) {
            jpql.append(" and r.eventTime >= :from");
        }
        if (toMillis != null) {
            jpql.append(" and r.eventTime <= :to");
        }
        jpql.append(" order by r.eventTime desc, r.seq desc");
        TypedQuery<GuardAuditRecordEntity> query = em().createQuery(jpql.toString(), GuardAuditRecordEntity.class)
                .setParameter("realm", realm.getId());
        if (user != null) {
            query.setParameter("user", user);
        }
        if (type != null) {
            query.setParameter("type", type);
        }
        if (fromMillis != null) {
            query.setParameter("from", fromMillis);
        }
        if (toMillis != null) {
            query.setParameter("to", toMillis);
        }
        return json(query.setFirstResult(firstResult).setMaxResults(Math.max(1, maxResults)).getResultList());
    }

    /** What was revoked for the user (including realm-wide revocations), when and why: newest first. */
    @GET
    @Path("users/{userId}/revocations")
    @Produces(MediaType.APPLICATION_JSON)
    public String revocations(@PathParam("userId") String userId) {
        auth.realm().requireViewEvents();
        if (!RequestInputs.isLookupable(userId, MAX_USER_ID)) {
            throw new BadRequestException("invalid user id");
        }
        return json(em().createQuery("select r from GuardAuditRecordEntity r where r.realmId = :realm"
                                + " and r.type = :type and r.userId in (:user, :all) order by r.eventTime desc, r.seq desc",
                        GuardAuditRecordEntity.class)
                .setParameter("realm", realm.getId())
                .setParameter("type", AuditSignals.typeOf("revocation.issued"))
                .setParameter("user", userId).setParameter("all", Revocations.ALL_USERS)
                .setMaxResults(MAX_PAGE).getResultList());
    }

    /** The realm's chain head: the last seq given out and its hash, to anchor a verification of a sink. */
    @GET
    @Path("chain")
    @Produces(MediaType.APPLICATION_JSON)
    public String chain() {
        auth.realm().requireViewEvents();
        GuardAuditCursorEntity head = em().find(GuardAuditCursorEntity.class,
                GuardAuditCursorEntity.idOf(AuditCursors.CHAIN, realm.getId()));
        return head == null ? "{\"seq\":0,\"hash\":null}"
                : "{\"seq\":" + head.getSeq() + ",\"hash\":\"" + head.getHash() + "\"}";
    }

    private static String json(List<GuardAuditRecordEntity> rows) {
        StringBuilder out = new StringBuilder("[");
        for (GuardAuditRecordEntity row : rows) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(row.getPayload());
        }
        return out.append(']').toString();
    }

    private EntityManager em() {
        return AuditCursors.em(session);
    }
}
