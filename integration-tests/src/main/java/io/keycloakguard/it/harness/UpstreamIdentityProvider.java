package io.keycloakguard.it.harness;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An OIDC identity provider for a realm under test: a second realm of the same Keycloak with a confidential
 * client {@code guard-broker} and one user, registered in the realm under test as an identity provider. Brokered
 * logins then run the realm's first-broker-login and post-broker-login flows, as with any external IdP.
 *
 * @param upstreamRealm the realm that plays the external IdP
 * @param alias         the identity provider's alias in the realm under test
 */
public record UpstreamIdentityProvider(KeycloakAdmin admin, String baseUrl, String realm, String upstreamRealm,
                                      String alias, String username, String password) {

    /**
     * @param postBrokerLoginFlow a flow alias of {@code realm} to run after every brokered login, or null
     * @param backchannelLogout   whether the upstream realm sends logout tokens to the pack's
     *                            {@code guard-broker-logout} endpoint of the realm under test
     */
    public static UpstreamIdentityProvider create(KeycloakAdmin admin, String baseUrl, String realm,
                                                  String postBrokerLoginFlow, boolean backchannelLogout) {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String upstream = "guard-upstream-" + suffix;
        String alias = "upstream-" + suffix;
        String password = "Upstream-pass-42";
        admin.request().body(Map.of("realm", upstream, "enabled", true)).post("/admin/realms").then().statusCode(201);
        String brokerEndpoint = baseUrl + "/realms/" + realm + "/broker/" + alias + "/endpoint";
        Map<String, Object> client = new HashMap<>(Map.of("clientId", "guard-broker", "publicClient", false,
                "secret", "broker-secret", "standardFlowEnabled", true, "redirectUris", List.of(brokerEndpoint)));
        if (backchannelLogout) {
            client.put("frontchannelLogout", false);
            // The pack's endpoint: Keycloak's own records no event for these logouts.
            client.put("attributes", Map.of("backchannel.logout.url", baseUrl + "/realms/" + realm + "/guard-broker-logout",
                    "backchannel.logout.session.required", "true"));
        }
        admin.request().body(client).post("/admin/realms/{realm}/clients", upstream).then().statusCode(201);
        String username = "brokered-" + suffix;
        admin.createUser(upstream, username, password);

        String oidc = baseUrl + "/realms/" + upstream + "/protocol/openid-connect";
        Map<String, Object> provider = new HashMap<>(Map.of("alias", alias, "providerId", "oidc", "enabled", true,
                "trustEmail", true,
                "config", Map.ofEntries(Map.entry("authorizationUrl", oidc + "/auth"),
                        Map.entry("tokenUrl", oidc + "/token"), Map.entry("logoutUrl", oidc + "/logout"),
                        Map.entry("issuer", baseUrl + "/realms/" + upstream), Map.entry("jwksUrl", oidc + "/certs"),
                        Map.entry("useJwksUrl", "true"), Map.entry("validateSignature", "true"),
                        Map.entry("clientId", "guard-broker"), Map.entry("clientSecret", "broker-secret"),
                        Map.entry("clientAuthMethod", "client_secret_post"),
                        Map.entry("defaultScope", "openid email profile"), Map.entry("syncMode", "IMPORT"),
                        Map.entry("backchannelSupported", String.valueOf(backchannelLogout)))));
        if (postBrokerLoginFlow != null) {
            provider.put("postBrokerLoginFlowAlias", postBrokerLoginFlow);
        }
        admin.request().body(provider).post("/admin/realms/{realm}/identity-provider/instances", realm)
                .then().statusCode(201);
        return new UpstreamIdentityProvider(admin, baseUrl, realm, upstream, alias, username, password);
    }

    /** A browser login to {@code clientId} through this identity provider, in a fresh browser. */
    public BrowserSession.Outcome login(String clientId, String redirectUri) {
        return login(new BrowserSession(baseUrl), clientId, redirectUri);
    }

    public BrowserSession.Outcome login(BrowserSession browser, String clientId, String redirectUri) {
        BrowserSession.Outcome upstreamLogin = browser.open(baseUrl + "/realms/" + realm
                + "/protocol/openid-connect/auth?response_type=code&scope=openid&client_id=" + clientId
                + "&kc_idp_hint=" + alias + "&redirect_uri=" + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8));
        if (upstreamLogin.status() != 200) {
            throw new AssertionError("Expected the upstream login page, got " + upstreamLogin.status() + " "
                    + upstreamLogin.location() + "\n" + upstreamLogin.body());
        }
        return browser.submitForm(BrowserSession.formAction(upstreamLogin.body()),
                Map.of("username", username, "password", password, "credentialId", ""));
    }

    /** The upstream user's id in the upstream realm. */
    public String upstreamUserId() {
        return admin.request().get("/admin/realms/{realm}/users?exact=true&username={u}", upstreamRealm, username)
                .then().statusCode(200).extract().path("[0].id");
    }
}
