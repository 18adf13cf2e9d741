package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.redis.RedisConnectionProvider;
import io.keycloakguard.core.redis.RedisConnector;
import io.keycloakguard.core.status.RedisMemory;
import io.keycloakguard.core.status.StatusSection;
import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code guard-ip-rate-limit} event listener: counts every failed login of a realm that uses the per-IP
 * rate limit in Redis, per address. Global, so it sees failures of every flow and client of the realm
 * without an admin enabling it; a realm without a rate-limit execution costs one look at its flows. Also the home
 * of the limiter's server-wide options ({@link LimiterSettings}) and of its section of the pack's status.
 */
public class FailedLoginCounterFactory implements EventListenerProviderFactory, ServerInfoAwareProviderFactory,
        StatusSection {

    public static final String ID = "guard-ip-rate-limit";

    private LimiterSettings settings = LimiterSettings.DEFAULTS;
    private RedisConnector ownRedis;

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new Counter(session, this);
    }

    @Override
    public void init(Config.Scope config) {
        settings = LimiterSettings.parse(config::get);
        if (settings.redis() != null) {
            ownRedis = new RedisConnector(settings.redis());
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (ownRedis != null) {
            ownRedis.start();
        }
    }

    @Override
    public void close() {
        if (ownRedis != null) {
            ownRedis.close();
        }
    }

    /** The ledger the rate limit of this server uses: the limiter's own Redis if one is set, else the pack's. */
    FailureLedger ledger(KeycloakSession session) {
        if (ownRedis != null) {
            return new FailureLedger(ownRedis::execute, ownRedis.settings().keyPrefix(), settings.maxTrackedAddresses());
        }
        RedisConnectionProvider redis = session.getProvider(RedisConnectionProvider.class);
        return new FailureLedger(redis::execute, redis.settings().keyPrefix(), settings.maxTrackedAddresses());
    }

    /** The factory Keycloak loaded, for the authenticators, which share its options and Redis. */
    static FailedLoginCounterFactory of(KeycloakSession session) {
        return (FailedLoginCounterFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(EventListenerProvider.class, ID);
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return LimiterSettings.metadata();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("redis", ownRedis != null ? ownRedis.settings().describeTarget() : "the pack's (guard-redis)");
        info.put("maxTrackedAddresses", String.valueOf(settings.maxTrackedAddresses()));
        return info;
    }

    @Override
    public String statusSection() {
        return "rateLimit";
    }

    /** Where the limiter keeps its counts, how many addresses the realm tracks against the cap, and that Redis's memory. */
    @Override
    public Object status(KeycloakSession session, RealmModel realm) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("redis", ownRedis != null ? "own" : "pack");
        out.put("maxTrackedAddresses", settings.maxTrackedAddresses());
        RealmLimits limits = RealmLimits.of(realm);
        try {
            out.put("trackedAddresses", limits.configs().isEmpty() ? 0 : ledger(session).tracked(realm.getId(), limits.keep()));
        } catch (RuntimeException e) {
            out.put("error", e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        if (ownRedis != null) {
            out.put("memory", RedisMemory.of(ownRedis));
        }
        return out;
    }

    private record Counter(KeycloakSession session, FailedLoginCounterFactory factory) implements EventListenerProvider {

        @Override
        public void onEvent(Event event) {
            if (!CountedFailures.counts(event) || event.getRealmId() == null) {
                return;
            }
            RealmModel realm = session.realms().getRealm(event.getRealmId());
            if (realm == null) {
                return;
            }
            RealmLimits limits = RealmLimits.of(realm);
            if (limits.configs().isEmpty()) {
                return;
            }
            // The event carries the forwarded host as Keycloak resolved it; ClientKey spells it as the authenticator does.
            Optional<String> address = ClientKey.of(event.getIpAddress());
            if (address.isEmpty()) {
                return;
            }
            for (String subject : limits.subjects(address.get())) {
                if (Reservations.consume(realm.getId(), subject)) {
                    continue; // admitted and recorded before the password was tried: that entry is this failure
                }
                try {
                    factory.ledger(session).record(realm.getId(), subject, limits.keep(), limits.cap());
                    RedisOutage.over();
                } catch (RuntimeException e) {
                    // Never into Keycloak's event dispatch: the failure is lost, the login goes on.
                    RedisOutage.noticed(e);
                }
            }
        }

        @Override
        public void onEvent(AdminEvent event, boolean includeRepresentation) {
        }

        @Override
        public void close() {
        }
    }
}
