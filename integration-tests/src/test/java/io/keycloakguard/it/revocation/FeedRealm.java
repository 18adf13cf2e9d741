package io.keycloakguard.it.revocation;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.Tokens;
import io.keycloakguard.revocation.RevocationClient;
import io.keycloakguard.revocation.contract.Revocation;
import io.keycloakguard.revocation.contract.RevocationKeys;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/**
 * A realm of its own for a revocation test (its not-before, lifetimes and clients can change without touching the
 * shared demo realm), with the guard-revocation listener, a resource server's {@link RevocationClient} on the suite's
 * Redis, Keycloak's own verdict on a token (userinfo), and direct access to the feed's records.
 */
final class FeedRealm implements AutoCloseable {

    static final String PASSWORD = "Correct-horse-42";

    final GuardEnvironment env;
    final String name;
    final RedisClient jedis;
    final RevocationClient client;

    /** Public clients with direct grants: clientId → access.token.lifespan attribute (null: the realm's). */
    static Map<String, Object> publicClient(String clientId, Integer accessTokenLifespan) {
        Map<String, Object> client = new HashMap<>(Map.of("clientId", clientId, "publicClient", true,
                "directAccessGrantsEnabled", true, "standardFlowEnabled", true,
                "redirectUris", List.of("http://127.0.0.1:3000/callback")));
        if (accessTokenLifespan != null) {
            client.put("attributes", Map.of("access.token.lifespan", String.valueOf(accessTokenLifespan)));
        }
        return client;
    }

    FeedRealm(GuardEnvironment env, String hint, Map<String, Object> realmSettings, List<Map<String, Object>> clients) {
        this.env = env;
        this.name = hint + "-" + UUID.randomUUID().toString().substring(0, 6);
        List<Map<String, Object>> all = new ArrayList<>(clients);
        Map<String, Object> realm = new HashMap<>(realmSettings);
        realm.put("realm", name);
        realm.put("enabled", true);
        realm.put("eventsListeners", List.of("jboss-logging", "guard-revocation"));
        realm.put("clients", all);
        env.admin().request().body(realm).post("/admin/realms").then().statusCode(201);
        jedis = RedisClient.create(env.redis().url());
        client = RevocationClient.builder(jedis, name).keyPrefix(env.keyPrefix()).pollBlock(Duration.ofMillis(200)).start();
    }

    record User(String id, String username, Map<String, Object> tokens) {
        String accessToken() {
            return (String) tokens.get("access_token");
        }

        String refreshToken() {
            return (String) tokens.get("refresh_token");
        }

        Map<String, Object> claims() {
            return Tokens.claims(accessToken());
        }
    }

    User newUserSignedIn(String clientId) {
        String username = KeycloakAdmin.uniqueUsername("u");
        String id = env.admin().createUser(name, username, PASSWORD);
        return new User(id, username, Tokens.passwordGrant(env.baseUrl(), name, clientId, username, PASSWORD));
    }

    User signIn(User user, String clientId) {
        return new User(user.id(), user.username(), Tokens.passwordGrant(env.baseUrl(), name, clientId, user.username(), PASSWORD));
    }

    boolean revoked(User user) {
        return client.isRevoked(user.claims());
    }

    /**
     * What Keycloak itself says of the token: its userinfo endpoint validates an access token as Keycloak does
     * everywhere (signature, session, user enabled, realm and client not-before).
     */
    boolean keycloakSaysActive(String accessToken) {
        int status = given().auth().oauth2(accessToken)
                .get(env.baseUrl() + "/realms/" + name + "/protocol/openid-connect/userinfo").statusCode();
        if (status != 200 && status != 401) {
            throw new AssertionError("userinfo answered " + status);
        }
        return status == 200;
    }

    String clientUuid(String clientId) {
        return env.admin().request().queryParam("clientId", clientId)
                .get("/admin/realms/{realm}/clients", name).then().statusCode(200).extract().jsonPath().getString("[0].id");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> representation(String path) {
        return env.admin().request().get("/admin/realms/{realm}" + path, name).then().statusCode(200).extract().as(Map.class);
    }

    void update(String path, Map<String, Object> representation) {
        env.admin().request().body(representation).put("/admin/realms/{realm}" + path, name).then().statusCode(204);
    }

    /** The merged record of a live-set entry in Redis (e.g. {@code session:<sid>}), if there. */
    Optional<Revocation> record(String entryKey) {
        String json = jedis.hget(new RevocationKeys(env.keyPrefix(), name).records(), entryKey);
        return Optional.ofNullable(json).map(Revocation::fromJson);
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Override
    public void close() {
        client.close();
        jedis.close();
        env.admin().request().delete("/admin/realms/{realm}", name);
    }
}
