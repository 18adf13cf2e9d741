package io.keycloakguard.core.config;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;

import java.util.List;

/**
 * {@code guard-config-check}: when an admin saves the config of a pack step (or adds a pack step), checks it at once
 * and logs one warning naming realm, flow, step and problem, so a typo reaches the admin before a user is refused.
 * Keycloak has no save-time validation hook for authenticator configs, and it logs rather than propagates what an
 * admin-event listener throws, so the save itself cannot be refused. Global: it needs no realm's event-listener
 * setting and receives every realm's admin events whether or not they are stored.
 */
public class ConfigCheckOnSave implements EventListenerProviderFactory {

    public static final String ID = "guard-config-check";

    private static final Logger LOG = Logger.getLogger(ConfigCheckOnSave.class);

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
        return new Listener(session);
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

    private record Listener(KeycloakSession session) implements EventListenerProvider {

        @Override
        public void onEvent(Event event) {
            // User events (logins) are not this listener's: nothing to do on the login path.
        }

        @Override
        public void onEvent(AdminEvent event, boolean includeRepresentation) {
            if (event.getOperationType() != OperationType.CREATE && event.getOperationType() != OperationType.UPDATE) {
                return;
            }
            boolean config = event.getResourceType() == ResourceType.AUTHENTICATOR_CONFIG;
            if (!config && event.getResourceType() != ResourceType.AUTH_EXECUTION) {
                return;
            }
            try {
                RealmModel realm = session.realms().getRealm(event.getRealmId());
                if (realm != null && event.getResourcePath() != null) {
                    findings(realm, config, event.getResourcePath()).forEach(finding -> report(realm, finding));
                }
            } catch (RuntimeException e) {
                // Never in the admin's way: Keycloak would only log it too.
                LOG.debugf(e, "Could not check the saved config %s", event.getResourcePath());
            }
        }

        private static void report(RealmModel realm, InvalidAuthenticatorConfigs.Finding finding) {
            if (finding.problems() != null) {
                InvalidAuthenticatorConfigs.Invalid invalid = finding.problems();
                LOG.warnf("Config '%s' saved in realm %s, flow '%s', step '%s' is invalid; the step fails safe "
                                + "until it is fixed (the session limit refuses logins through it; listed under "
                                + "invalidConfigs in the realm's guard/status): %s", invalid.alias(), realm.getName(),
                        invalid.flow(), invalid.step(), String.join("; ", invalid.problems()));
            } else if (finding.warnings() != null) {
                InvalidAuthenticatorConfigs.Invalid warned = finding.warnings();
                LOG.warnf("Config '%s' saved in realm %s, flow '%s', step '%s' (listed under configWarnings in the "
                                + "realm's guard/status): %s", warned.alias() == null ? "(none)" : warned.alias(),
                        realm.getName(), warned.flow(), warned.step(), String.join("; ", warned.problems()));
            }
        }

        private List<InvalidAuthenticatorConfigs.Finding> findings(RealmModel realm, boolean config, String path) {
            Saved saved = Saved.of(config, path);
            if (saved == null) {
                return List.of();
            }
            return switch (saved.kind()) {
                case CONFIG -> InvalidAuthenticatorConfigs.ofConfig(session, realm, saved.id());
                case EXECUTION -> InvalidAuthenticatorConfigs.ofExecution(session, realm, saved.id());
                case FLOW -> InvalidAuthenticatorConfigs.ofUnconfiguredStepsOf(session, realm, saved.id());
            };
        }

        @Override
        public void close() {
        }
    }
}
