package io.keycloakguard.events.revocation;

import io.keycloakguard.core.config.OptionReader;
import io.keycloakguard.core.revocation.Revocations;
import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.admin.AdminEvent;
import io.keycloakguard.core.outbox.OutboxProvider;
import io.keycloakguard.core.outbox.OutboxSink;
import io.keycloakguard.core.revocation.RevocationSinkFactory;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

/**
 * {@code guard-revocation}: enable it in a realm's event listeners and every logout, admin sign-out,
 * disabled or deleted user, changed credential and revoked grant is written to the revocation feed, in
 * the transaction of the change.
 */
public class RevocationEventListenerProviderFactory implements EventListenerProviderFactory {

    public static final String ID = Revocations.LISTENER_ID;

    private RevocationTriggers triggers;

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
        OptionReader options = new OptionReader(config::get, key -> "spi-events-listener--" + ID + "--" + key);
        triggers = new RevocationTriggers(options.bool("revoke-on-credential-change", true));
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new Listener(session, triggers);
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("revoke-on-credential-change").type(ProviderConfigProperty.BOOLEAN_TYPE)
                .defaultValue("true")
                .helpText("Revoke all of a user's tokens when their password or another credential is changed or reset.")
                .add().build();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // A deleted client's tokens are invalid to Keycloak at once; the admin event comes after the client is gone,
        // so its clientId is taken here, inside the deleting transaction.
        factory.register(event -> {
            if (event instanceof ClientModel.ClientRemovedEvent removed) {
                RealmModel realm = removed.getClient().getRealm();
                if (realm.getEventsListenersStream().anyMatch(ID::equals)) {
                    revokeUnlessRealmRemoved(removed.getKeycloakSession(), realm.getId(), removed.getClient().getClientId());
                }
            }
        });
    }

    /**
     * Deleting a realm removes its clients first, in the same transaction: those are not revocations to publish
     * (the realm's tokens die with its keys and issuer), and their records would land in the deleted realm's feed and
     * audit chain after the realm's own. So it is decided just before the commit, when a deleted realm is gone.
     */
    private static void revokeUnlessRealmRemoved(KeycloakSession session, String realmId, String clientId) {
        // Created now, while it can still enlist its delivery after the commit.
        session.getProvider(OutboxProvider.class);
        session.getTransactionManager().enlistPrepare(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                RealmModel realm = session.realms().getRealm(realmId);
                if (realm != null) {
                    new Revocations(session).revokeClient(realm, clientId, "client-deleted");
                    sink(session.getKeycloakSessionFactory()).realmChanged(realmId);
                }
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }

    /** Lifetimes are read again by another thread: only once the admin's change is committed. */
    private static void afterCommit(KeycloakSession session, Runnable action) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                action.run();
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }

    private static RevocationSinkFactory sink(KeycloakSessionFactory factory) {
        return (RevocationSinkFactory) factory.getProviderFactory(OutboxSink.class, Revocations.TOPIC);
    }

    @Override
    public void close() {
    }

    private record Listener(KeycloakSession session, RevocationTriggers triggers) implements EventListenerProvider {

        @Override
        public void onEvent(Event event) {
            triggers.of(event).ifPresent(t -> apply(event.getRealmId(), t));
        }

        @Override
        public void onEvent(AdminEvent event, boolean includeRepresentation) {
            triggers.of(event).ifPresent(t -> apply(event.getRealmId(), t));
        }

        private void apply(String realmId, RevocationTrigger trigger) {
            RealmModel realm = session.realms().getRealm(realmId);
            if (realm == null) {
                return;
            }
            Revocations revocations = new Revocations(session);
            if (trigger instanceof RevocationTrigger.Session s) {
                revocations.revokeSession(realm, s.sessionId(), s.userId(), s.reason());
            } else if (trigger instanceof RevocationTrigger.User u) {
                revocations.revokeUser(realm, u.userId(), u.reason());
            } else if (trigger instanceof RevocationTrigger.UserChangedCredential c) {
                revocations.revokeUserTokensOfEarlierSeconds(realm, c.userId(), "credential-changed");
            } else if (trigger instanceof RevocationTrigger.UserIfDisabled u) {
                UserModel user = session.users().getUserById(realm, u.userId());
                if (user != null && !user.isEnabled()) {
                    revocations.revokeUser(realm, u.userId(), "user-disabled");
                }
            } else if (trigger instanceof RevocationTrigger.ClientGrant g) {
                revocations.revokeClientGrant(realm, g.userId(), g.clientId(), g.reason());
            } else if (trigger instanceof RevocationTrigger.AllUsers a) {
                revocations.revokeAllUsers(realm, a.reason());
            } else if (trigger instanceof RevocationTrigger.Token t) {
                revocations.revokeToken(realm, t.tokenId(), RevokedTokenExpiry.of(session, t.tokenId()), t.reason());
            } else if (trigger instanceof RevocationTrigger.RealmChanged) {
                revocations.revokeRealmNotBefore(realm, realm.getNotBefore());
                afterCommit(session, () -> sink(session.getKeycloakSessionFactory()).realmChanged(realmId));
            } else if (trigger instanceof RevocationTrigger.ClientChanged c) {
                ClientModel client = realm.getClientById(c.clientUuid());
                if (client != null) {
                    if (c.disabledRevokes() && !client.isEnabled()) {
                        revocations.revokeClient(realm, client.getClientId(), "client-disabled");
                    }
                    revocations.revokeClientNotBefore(realm, client.getId(), client.getClientId(), client.getNotBefore());
                }
                afterCommit(session, () -> sink(session.getKeycloakSessionFactory()).realmChanged(realmId));
            }
        }


        @Override
        public void close() {
        }
    }
}
