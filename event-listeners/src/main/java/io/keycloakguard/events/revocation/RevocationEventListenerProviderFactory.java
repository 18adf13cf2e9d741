package io.keycloakguard.events.revocation;

import io.keycloakguard.core.config.OptionReader;
import io.keycloakguard.core.revocation.Revocations;
import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.admin.AdminEvent;
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

    public static final String ID = "guard-revocation";

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
                revocations.revokeSession(realm, s.sessionId(), s.reason());
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
                // The event does not carry the token's exp; no access token of the realm outlives this bound.
                revocations.revokeToken(realm, t.tokenId(), t.reason());
            }
        }

        @Override
        public void close() {
        }
    }
}
