package io.keycloakguard.it.harness;

import java.util.regex.Pattern;

/**
 * Compares two of Keycloak's login pages as an attacker would, for tests that two answers give nothing away: only
 * the values Keycloak makes anew for every page or browser (the one-time session code, the tab id, the client data it
 * echoes, the hash of the browser's authentication session the page's script checks) are blanked; everything else,
 * the execution a form posts to included, must be equal.
 */
public final class LoginPages {

    private static final Pattern PER_PAGE = Pattern.compile("(session_code|tab_id|client_data)=[^&\"'\\s]*");
    private static final Pattern AUTH_SESSION_HASH = Pattern.compile("checkAuthSession\\(\\s*\"[^\"]*\"");

    private LoginPages() {
    }

    public static String normalized(String html) {
        if (html == null) {
            return null;
        }
        return AUTH_SESSION_HASH.matcher(PER_PAGE.matcher(html).replaceAll("$1=…")).replaceAll("checkAuthSession(\"…\"");
    }
}
