package io.keycloakguard.authenticators.ratelimit;

import io.keycloakguard.core.redis.RedisConnectionProvider;
import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;

import java.util.Optional;

/**
 * {@code guard-ip-rate-limit} event listener: counts every failed login of a realm that uses the per-IP
 * rate limit in Redis, per address. Global, so it sees failures of every flow and client of the realm
 * without an admin enabling it; a realm without a rate-limit execution costs one look at its flows.
 */
public class FailedLoginCounterFactory implements EventListenerProviderFactory {

    public static final String ID = "guard-ip-rate-limit";

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
        return new Counter(session);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    private record Counter(KeycloakSession session) implements EventListenerProvider {

        @Override
        public void onEvent(Event event) {
            if (!CountedFailures.counts(event.getType(), event.getError()) || event.getRealmId() == null) {
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
            if (address.isEmpty() || !limits.counts(address.get())) {
                return;
            }
            try {
                new FailureLedger(session.getProvider(RedisConnectionProvider.class))
                        .record(realm.getId(), address.get(), limits.keep(), limits.cap());
                RedisOutage.over();
            } catch (RuntimeException e) {
                // Never into Keycloak's event dispatch: the failure is lost, the login goes on.
                RedisOutage.noticed(e);
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
