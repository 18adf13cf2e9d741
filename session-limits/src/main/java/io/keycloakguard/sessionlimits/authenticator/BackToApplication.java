package io.keycloakguard.sessionlimits.authenticator;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.util.ResolveRelative;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where "back to the application" leads after a cancelled sign-in: only addresses Keycloak validated, never one
 * from the request. The client's base URL (set by an admin, as Keycloak's own "Back to Application" link uses),
 * else the redirect URI of this login, which Keycloak checked against the client's registered redirect URIs when
 * the login started, without its query and fragment (no code, no state, no error for the application to show).
 */
final class BackToApplication {

    private BackToApplication() {
    }

    static String url(KeycloakSession session, AuthenticationSessionModel authSession) {
        ClientModel client = authSession.getClient();
        String base = client == null ? null : ResolveRelative.resolveRelativeUri(session, client.getRootUrl(),
                client.getBaseUrl());
        return choose(base, authSession.getRedirectUri());
    }

    /** The base URL if it is an absolute http(s) URL, else the redirect URI's http(s) address without parameters, else "". */
    static String choose(String baseUrl, String redirectUri) {
        URI base = httpUri(baseUrl);
        if (base != null) {
            return base.toString();
        }
        URI redirect = httpUri(redirectUri);
        if (redirect == null) {
            return "";
        }
        try {
            return new URI(redirect.getScheme(), redirect.getRawAuthority(), redirect.getRawPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return "";
        }
    }

    private static URI httpUri(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(value.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getRawAuthority() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
