package io.keycloakguard.core.revocation;

import org.keycloak.models.RealmModel;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The longest an access token of a realm can live, computed the way Keycloak's TokenManager sets a token's
 * {@code exp}: the client's {@code access.token.lifespan} attribute when set (where {@code -1} means "as long as the
 * SSO session"), else the realm's access-token lifespan, or the implicit-flow lifespan for implicit and hybrid flows,
 * which only clients with the implicit flow enabled can use. Keycloak may cut a token shorter (at the session's end),
 * never longer, so this bounds every token of the realm.
 */
final class AccessTokenLifetimes {

    /** The client attribute Keycloak reads (OIDCConfigAttributes.ACCESS_TOKEN_LIFESPAN). */
    static final String CLIENT_ACCESS_TOKEN_LIFESPAN = "access.token.lifespan";

    private AccessTokenLifetimes() {
    }

    static long longest(RealmModel realm) {
        List<String> overrides = new ArrayList<>();
        boolean[] implicit = new boolean[1];
        realm.getClientsStream().forEach(c -> {
            overrides.add(c.getAttribute(CLIENT_ACCESS_TOKEN_LIFESPAN));
            implicit[0] |= c.isImplicitFlowEnabled();
        });
        return longest(realm.getAccessTokenLifespan(), implicit[0] ? realm.getAccessTokenLifespanForImplicitFlow() : 0,
                realm.getSsoSessionMaxLifespan(), realm.getSsoSessionMaxLifespanRememberMe(), overrides.stream());
    }

    /**
     * @param implicitLifespan the realm's implicit-flow lifespan when a client has the implicit flow enabled, else 0
     * @param clientOverrides  every client's {@code access.token.lifespan} attribute (null or blank: not set)
     * @return seconds
     */
    static long longest(int realmLifespan, int implicitLifespan, int ssoSessionMax, int ssoSessionMaxRememberMe,
                        Stream<String> clientOverrides) {
        long sessionLong = Math.max(ssoSessionMax, ssoSessionMaxRememberMe);
        long longest = Math.max(seconds(realmLifespan, sessionLong), seconds(implicitLifespan, sessionLong));
        long clients = clientOverrides
                .filter(v -> v != null && !v.isBlank())
                .mapToLong(v -> {
                    try {
                        return seconds(Integer.parseInt(v.trim()), sessionLong);
                    } catch (NumberFormatException e) {
                        // Keycloak would fail to issue tokens for such a client; it cannot lengthen any token.
                        return 0;
                    }
                })
                .max().orElse(0);
        return Math.max(longest, clients);
    }

    /** -1: until the session's end, which is at most the longest SSO session lifespan. */
    private static long seconds(int lifespan, long sessionLong) {
        return lifespan == -1 ? sessionLong : Math.max(lifespan, 0);
    }

}
