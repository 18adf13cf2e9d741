package io.keycloakguard.core.revocation;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long after its time a record of each realm must live: the realm's longest access-token lifetime
 * ({@link AccessTokenLifetimes}), known per node and rechecked every {@link #RECHECK_MILLIS} or when an admin
 * changes a realm or client. When a lifetime is lowered, tokens issued under the old one may still be alive, so
 * the old value stays in force until they have expired.
 */
final class RevocationCoverage {

    /** How stale a node's view of a realm's lifetimes may get; also the period of the extension sweep. */
    static final long RECHECK_MILLIS = 30_000;

    private final Map<String, Known> realms = new ConcurrentHashMap<>();
    private final long skewSeconds;

    RevocationCoverage(long skewSeconds) {
        this.skewSeconds = skewSeconds;
    }

    /** How long after a token's exp a resource server may still accept it; every record lives that much longer. */
    long skewSeconds() {
        return skewSeconds;
    }

    /**
     * What a node knows of one realm (pure, unit-tested).
     *
     * @param current         the longest lifetime now configured, seconds
     * @param floor           a higher lifetime in force until {@code floorUntil} (epoch seconds) because it was lowered
     * @param checkedAtMillis when {@code current} was computed; 0: recompute at next use
     */
    record Known(long current, long floor, long floorUntil, long checkedAtMillis) {

        static Known first(long computed, long nowMillis) {
            return new Known(computed, 0, 0, nowMillis);
        }

        /** The coverage in force at {@code nowSeconds}. */
        long effective(long nowSeconds) {
            return nowSeconds < floorUntil ? Math.max(current, floor) : current;
        }

        /** After computing the realm's lifetime again. */
        Known next(long computed, long nowMillis, long skewSeconds) {
            long nowSeconds = nowMillis / 1000;
            if (computed < current) {
                // Tokens issued a moment ago under the old lifetime live that long (plus the skew).
                long keep = Math.max(effective(nowSeconds), current);
                return new Known(computed, keep, nowSeconds + keep + skewSeconds, nowMillis);
            }
            return new Known(computed, floor, floorUntil, nowMillis);
        }

        Known stale() {
            return new Known(current, floor, floorUntil, 0);
        }
    }

    /** The result of a recheck: the new state and whether live records may now need a later expiry. */
    record Refresh(Known known, boolean mayNeedExtension) {
    }

    /** Seconds of coverage for a record of this realm written now. */
    long seconds(KeycloakSession session, RealmModel realm) {
        long nowMillis = System.currentTimeMillis();
        Known known = realms.get(realm.getId());
        if (known == null || nowMillis - known.checkedAtMillis() > RECHECK_MILLIS) {
            known = refresh(realm, nowMillis).known();
        }
        return known.effective(nowMillis / 1000);
    }

    /** Computes the realm's lifetime again. The first computation on a node also asks for an extension check. */
    Refresh refresh(RealmModel realm, long nowMillis) {
        long computed = AccessTokenLifetimes.longest(realm);
        long nowSeconds = nowMillis / 1000;
        Known[] next = new Known[1];
        boolean[] raised = new boolean[1];
        realms.compute(realm.getId(), (id, previous) -> {
            next[0] = previous == null ? Known.first(computed, nowMillis) : previous.next(computed, nowMillis, skewSeconds);
            raised[0] = previous == null || next[0].effective(nowSeconds) > previous.effective(nowSeconds);
            return next[0];
        });
        return new Refresh(next[0], raised[0]);
    }

    /** An admin changed the realm or one of its clients: recompute at next use. */
    void invalidate(String realmId) {
        realms.computeIfPresent(realmId, (id, known) -> known.stale());
    }

    void forget(String realmId) {
        realms.remove(realmId);
    }
}
