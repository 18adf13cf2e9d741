package io.keycloakguard.authenticators.notify;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import jakarta.ws.rs.core.UriInfo;
import java.util.Optional;

/**
 * Where links in the pack's emails may point. Keycloak builds its URLs from the configured hostname
 * ({@code --hostname}) or the realm's Frontend URL; with neither (a dynamic hostname) it takes them from the
 * request, i.e. from the Host (or a trusted proxy's X-Forwarded-Host) header the person signing in sent. An
 * email goes to someone else than that person, so its links must never follow the request: with a dynamic
 * hostname the pack puts no link into its emails and logs once per realm why.
 */
final class EmailLinks {

    static final String FRONTEND_URL_ATTRIBUTE = "frontendUrl";

    private static final Logger LOG = Logger.getLogger(EmailLinks.class);
    private static final OnceLog ONCE = new OnceLog(LOG);

    private EmailLinks() {
    }

    /**
     * Keycloak's view of the request's URLs when they follow configuration (the hostname or the realm's Frontend
     * URL), else empty; {@code consequence} starts the one log line, e.g. "The new-device email goes out without
     * its link".
     */
    static Optional<UriInfo> configuredUri(KeycloakSession session, RealmModel realm, String consequence) {
        if (!configured(hostnameOption(), realm.getAttribute(FRONTEND_URL_ATTRIBUTE))) {
            ONCE.warn(realm.getId(), "dynamic-hostname:" + consequence, consequence + " in realm " + realm.getName()
                    + ": Keycloak runs with a dynamic hostname "
                    + "(no --hostname and no Frontend URL for the realm), so a link would take its host from the "
                    + "request of the person signing in. Set --hostname, or the realm's Frontend URL (Realm settings "
                    + "> General). Logged once per realm.");
            return Optional.empty();
        }
        return Optional.of(session.getContext().getUri());
    }

    static boolean configured(String hostnameOption, String realmFrontendUrl) {
        return (hostnameOption != null && !hostnameOption.isBlank())
                || (realmFrontendUrl != null && !realmFrontendUrl.isBlank());
    }

    /** The {@code --hostname} option, as Keycloak's hostname provider (v2, the only one in Keycloak 26) reads it. */
    static String hostnameOption() {
        try {
            Config.Scope scope = Config.scope("hostname", "v2");
            return scope == null ? null : scope.get("hostname");
        } catch (RuntimeException e) {
            return null; // no configuration to read: treat as dynamic, the safe side
        }
    }
}
