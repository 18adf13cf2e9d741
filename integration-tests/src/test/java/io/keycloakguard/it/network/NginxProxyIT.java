package io.keycloakguard.it.network;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.Nginx;
import io.keycloakguard.it.harness.UntrustedPeer;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The reverse-proxy configurations docs/network-policies.md prints, run with a real nginx on loopback in front of a
 * real Keycloak: a client (on 127.0.0.2) that sends its own X-Forwarded-For / Forwarded headers does not change the
 * address the pack judges, which stays the client's own. The IP policy (placed first, judging only the address) is
 * the pack's view here: allowed for 127.0.0.2 means the pack saw 127.0.0.2, not the forged address.
 */
@ExtendWith(KeycloakGuardExtension.class)
class NginxProxyIT {

    static final String CLIENT = UntrustedPeer.ADDRESS;
    static final String FORGED = "203.0.113.66";
    static final String PASSWORD = "Correct-horse-42";
    /** What an attacker sends to the proxy to pick its own address. */
    static final Map<String, String> FORGERY = Map.of(
            "X-Forwarded-For", FORGED,
            "Forwarded", "for=" + FORGED + ";proto=https",
            "X-Real-IP", FORGED);

    static DistributionKeycloak forwardedKeycloak;
    static KeycloakAdmin forwardedAdmin;

    @BeforeAll
    static void requirements() {
        assumeTrue(Nginx.available(), "Debian's nginx is not installed (/usr/sbin/nginx); .ci/run installs it");
        assumeTrue(UntrustedPeer.available(), "this machine cannot send from 127.0.0.2");
    }

    @AfterAll
    static void stopForwardedKeycloak() {
        if (forwardedKeycloak != null) {
            forwardedKeycloak.close();
        }
    }

    /** A Keycloak as the docs start it for the preferred setup: --proxy-headers=forwarded, trusting the proxy only. */
    static synchronized KeycloakAdmin forwardedKeycloak(GuardEnvironment env) {
        if (forwardedKeycloak == null) {
            KeycloakOptions harness = env.options();
            KeycloakOptions options = new KeycloakOptions("nginx-forwarded-" + UUID.randomUUID().toString().substring(0, 6), 0, harness.database(), harness.redisUrl(),
                    harness.redisKeyPrefix(), harness.providersDir(), harness.realmsDir(),
                    List.of("--proxy-headers=forwarded", "--proxy-trusted-addresses=127.0.0.1"));
            forwardedKeycloak = DistributionKeycloak.startScratch(options);
            forwardedAdmin = KeycloakAdmin.of(forwardedKeycloak);
        }
        return forwardedAdmin;
    }

    @Test
    void theXForwardedConfigurationKeepsTheClientsOwnAddress(GuardEnvironment env) {
        Realm realm = Realm.create(env.admin(), "nginx-xf");
        try (Nginx nginx = Nginx.start("xforwarded", "",
                ProxyDocs.block("nginx-xforwarded").replace(ProxyDocs.DOC_UPSTREAM, env.baseUrl()))) {
            realm.assertThePackSeesTheClientNotTheForgery(nginx);
        }
        assertEquals("xforwarded", proxyMode(env.admin(), realm.name), "the status endpoint names Keycloak's proxy-header mode");
    }

    /**
     * The setup docs/network-policies.md recommended before 2c7cc7c, kept as the attack it allowed: nginx appending
     * to the client's X-Forwarded-For ({@code $proxy_add_x_forwarded_for}) in front of Keycloak with
     * {@code --proxy-headers=xforwarded} trusting the proxy. Keycloak takes the first entry, the one the client wrote,
     * so every IP feature judged an address the attacker chose. The documented blocks above are tested not to do this.
     */
    @Test
    void theFormerlyDocumentedAppendingConfigurationLetTheClientPickItsAddress(GuardEnvironment env) {
        Realm realm = Realm.create(env.admin(), "nginx-old");
        try (Nginx nginx = Nginx.start("appending", "", """
                location / {
                    proxy_pass %s;
                    proxy_set_header Host $http_host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $scheme;
                }
                """.formatted(env.baseUrl()))) {
            UntrustedPeer.Reply forForgery = realm.grantThrough(nginx, realm.allowsForgery);
            assertEquals(200, forForgery.status(), "with the old setup the policy allowing only " + FORGED
                    + " let the client on " + CLIENT + " in: " + forForgery.body() + "\n" + nginx.log());
            UntrustedPeer.Reply forClient = realm.grantThrough(nginx, realm.allowsClient);
            assertEquals(403, forClient.status(), "and the policy allowing the client's real address refused it: " + forClient.body());
        }
        for (String block : List.of("nginx-xforwarded", "nginx-forwarded")) {
            assertTrue(ProxyDocs.block(block).lines().map(String::strip).filter(line -> !line.startsWith("#"))
                            .noneMatch(line -> line.contains("$proxy_add_x_forwarded_for")),
                    "the documented block " + block + " in front of Keycloak no longer appends to the client's header");
        }
    }

    @Test
    void theForwardedConfigurationKeepsTheClientsOwnAddress(GuardEnvironment env) {
        KeycloakAdmin admin = forwardedKeycloak(env);
        Realm realm = Realm.create(admin, "nginx-fw");
        try (Nginx nginx = Nginx.start("forwarded", ProxyDocs.block("nginx-forwarded-http"),
                ProxyDocs.block("nginx-forwarded").replace(ProxyDocs.DOC_UPSTREAM, forwardedKeycloak.baseUrl()))) {
            realm.assertThePackSeesTheClientNotTheForgery(nginx);
        }
        assertEquals("forwarded", proxyMode(admin, realm.name), "the status endpoint names Keycloak's proxy-header mode");
    }

    /**
     * A cloud load balancer appends the client's address to whatever X-Forwarded-For the client sent, and Keycloak
     * reads the first entry: the docs put nginx behind it, which takes the right-most address not of the balancer.
     * The balancer here is a second nginx that appends, as AWS's ALB (append mode) and Google's load balancer do.
     */
    @Test
    void behindALoadBalancerThatAppendsTheDocumentedNginxRecoversTheClient(GuardEnvironment env) {
        KeycloakAdmin admin = forwardedKeycloak(env);
        Realm realm = Realm.create(admin, "nginx-lb");
        String behind = ProxyDocs.block("nginx-behind-load-balancer").replace(ProxyDocs.DOC_BALANCER_NETWORK, "127.0.0.1")
                + ProxyDocs.block("nginx-forwarded").replace(ProxyDocs.DOC_UPSTREAM, forwardedKeycloak.baseUrl());
        try (Nginx proxy = Nginx.start("behind-lb", ProxyDocs.block("nginx-forwarded-http"), behind);
             Nginx balancer = Nginx.start("balancer", "", """
                     location / {
                         proxy_pass %s;
                         proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                     }
                     """.formatted(proxy.baseUrl()))) {
            realm.assertThePackSeesTheClientNotTheForgery(balancer);
        }
    }

    private static String proxyMode(KeycloakAdmin admin, String realm) {
        return admin.request().get("/admin/realms/{realm}/guard/status", realm).then().statusCode(200)
                .extract().path("proxy.headers");
    }

    /** A realm with two clients whose direct grant starts with the IP policy: one allows the client, one the forgery. */
    record Realm(KeycloakAdmin admin, String name, String user, String allowsClient, String allowsForgery) {

        static Realm create(KeycloakAdmin admin, String hint) {
            String name = "guard-" + hint + "-" + UUID.randomUUID().toString().substring(0, 6);
            admin.request().body(Map.of("realm", name, "enabled", true, "sslRequired", "none", "eventsEnabled", true))
                    .post("/admin/realms").then().statusCode(201);
            String user = KeycloakAdmin.uniqueUsername(hint);
            admin.createUser(name, user, PASSWORD);
            return new Realm(admin, name, user, client(admin, name, "allow-client", CLIENT + "/32"),
                    client(admin, name, "allow-forged", FORGED + "/32"));
        }

        private static String client(KeycloakAdmin admin, String realm, String hint, String allow) {
            String alias = hint + "-" + UUID.randomUUID().toString().substring(0, 6);
            AuthFlows flows = new AuthFlows(admin, realm);
            flows.copy("direct grant", alias);
            String execution = flows.addRequired(alias, IpPolicyClient.AUTHENTICATOR);
            flows.moveFirst(alias, execution);
            flows.createClient(alias, "http://127.0.0.1:9/" + alias, null, alias, Map.of());
            flows.saveAcceptedConfig(execution, alias + "-config", Map.of("realmAllow", allow));
            return alias;
        }

        UntrustedPeer.Reply grantThrough(Nginx proxy, String clientId) {
            try (UntrustedPeer peer = UntrustedPeer.to(proxy.baseUrl())) {
                return peer.postForm("/realms/" + name + "/protocol/openid-connect/token", Map.of("grant_type", "password",
                        "client_id", clientId, "username", user, "password", PASSWORD, "scope", "openid"), FORGERY);
            }
        }

        void assertThePackSeesTheClientNotTheForgery(Nginx proxy) {
            UntrustedPeer.Reply forClient = grantThrough(proxy, allowsClient);
            assertEquals(200, forClient.status(), "the policy allowing " + CLIENT + " must let the client in (it judged another "
                    + "address): " + forClient.body() + "\n" + proxy.log());
            UntrustedPeer.Reply forForgery = grantThrough(proxy, allowsForgery);
            assertEquals(403, forForgery.status(), "the policy allowing only the forged address must refuse: " + forForgery.body());
            assertEquals("access_denied", JsonPath.from(forForgery.body()).getString("error"));
            List<Map<String, Object>> denials = admin.request()
                    .get("/admin/realms/{realm}/events?type=LOGIN_ERROR&client={client}", name, allowsForgery)
                    .then().statusCode(200).extract().jsonPath().getList("");
            assertTrue(!denials.isEmpty(), "the denial is recorded");
            assertEquals(CLIENT, denials.get(0).get("ipAddress"), "the address judged: " + denials.get(0));
        }
    }
}
