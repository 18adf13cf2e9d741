package io.keycloakguard.it.ratelimit;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static io.keycloakguard.it.ratelimit.RateLimitRealm.PASSWORD;
import static io.keycloakguard.it.ratelimit.RateLimitRealm.WRONG;
import static io.keycloakguard.it.ratelimit.RateLimitRealm.assertWrongPassword;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-IP rate limit in the direct grant: failed logins of an address are counted in Redis by the
 * global event listener, and the gate at the start of the flow refuses the address at the threshold. Also the two
 * ways around a per-IP limit an attacker tries first: fresh IPv6 addresses from the /64 every home and server gets
 * (the limit counts the network), and many attempts at once before any of them is counted (the check and the count
 * are one step in Redis).
 */
@ExtendWith(KeycloakGuardExtension.class)
class IpRateLimitIT {

    static GuardEnvironment env;
    static RateLimitRealm realm;
    static String user;
    static RedisClient redis;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void setUp(GuardEnvironment environment) {
        env = environment;
        realm = RateLimitRealm.create(env.admin(), env.baseUrl());
        user = realm.newUser("rl");
        redis = RedisClient.create(env.redis().url());
    }

    @AfterAll
    static void closeRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Tag("compat")
    @Test
    void blocksAnAddressAtTheThresholdEvenWithTheRightPasswordAndNoOtherAddress() {
        // A realm of its own: an address is counted unless every rate-limit config of the realm allow-lists it.
        RateLimitRealm realm = RateLimitRealm.create(env.admin(), env.baseUrl());
        String user = realm.newUser("rl-threshold");
        RateLimitedClient client = realm.directGrant("threshold", Map.of(
                "maxFailures", "5", "window", "1h", "burstWindow", "0", "allowList", "192.0.2.0/24"));
        String attacker = RateLimitRealm.newAddress();
        for (int i = 1; i <= 5; i++) {
            assertWrongPassword(client.passwordGrant(attacker, user, WRONG), "failure " + i);
        }

        Response blocked = client.passwordGrant(attacker, user, PASSWORD);
        assertEquals(429, blocked.statusCode(), blocked.asString());
        assertEquals("too_many_attempts", blocked.jsonPath().getString("error"));
        long retryAfter = Long.parseLong(blocked.header("Retry-After"));
        assertTrue(retryAfter > 3500 && retryAfter <= 3600, "Retry-After " + retryAfter);

        String other = RateLimitRealm.newAddress();
        assertWrongPassword(client.passwordGrant(other, user, WRONG));
        assertEquals(200, client.passwordGrant(other, user, PASSWORD).statusCode());

        String allowListed = "192.0.2." + (1 + (int) (Math.random() * 250));
        for (int i = 1; i <= 7; i++) {
            assertWrongPassword(client.passwordGrant(allowListed, user, WRONG), "failure " + i);
        }
        assertEquals(200, client.passwordGrant(allowListed, user, PASSWORD).statusCode());
        assertFalse(redis.exists(key(realm, allowListed)), "the failures of an allow-listed address are not counted");
        assertEquals(5, redis.zcard(key(realm, attacker)));
    }

    @Test
    void blockedAttemptsAreNeitherCountedNorExtendTheBlockAndTheEventSaysWhy() {
        RateLimitedClient client = realm.directGrant("events", Map.of("maxFailures", "3", "window", "1h",
                "burstWindow", "0"));
        String attacker = RateLimitRealm.newAddress();
        for (int i = 1; i <= 3; i++) {
            assertWrongPassword(client.passwordGrant(attacker, user, WRONG));
        }
        List<Double> scores = redis.zrangeWithScores(key(attacker), 0, -1).stream().map(t -> t.getScore()).toList();
        assertEquals(3, scores.size(), "one entry per failed login under " + key(attacker));
        long ttl = redis.pttl(key(attacker));
        assertTrue(ttl > 3_500_000 && ttl <= 3_600_000, "the set expires with the window: " + ttl);

        for (int i = 0; i < 4; i++) {
            assertEquals(429, client.passwordGrant(attacker, user, i % 2 == 0 ? WRONG : PASSWORD).statusCode());
        }
        assertEquals(3, redis.zcard(key(attacker)), "refused attempts add nothing");

        List<Map<String, Object>> events = realm.loginErrors(client.clientId(), "guard_ip_rate_limited");
        assertEquals(4, events.size(), events.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) events.get(0).get("details");
        assertEquals(attacker, details.get("ip"));
        assertEquals("3", details.get("count"));
        assertEquals("3", details.get("limit"));
        assertEquals("window", details.get("window"));
        assertEquals("3600", details.get("window_seconds"));
        assertEquals(attacker, events.get(0).get("ipAddress"));
    }

    @Test
    void theBurstWindowAndTheLongWindowEachBlockOnTheirOwn() {
        RateLimitedClient both = realm.directGrant("burst", Map.of("maxFailures", "100", "window", "24h",
                "burstMax", "3", "burstWindow", "1m"));
        String fast = RateLimitRealm.newAddress();
        for (int i = 1; i <= 3; i++) {
            assertWrongPassword(both.passwordGrant(fast, user, WRONG));
        }
        Response burst = both.passwordGrant(fast, user, PASSWORD);
        assertEquals(429, burst.statusCode(), burst.asString());
        long burstRetry = Long.parseLong(burst.header("Retry-After"));
        assertTrue(burstRetry > 0 && burstRetry <= 60, "a burst block lasts at most the burst window: " + burstRetry);

        RateLimitedClient longOnly = realm.directGrant("long", Map.of("maxFailures", "4", "window", "1h",
                "burstMax", "1", "burstWindow", "0"));
        String slow = RateLimitRealm.newAddress();
        for (int i = 1; i <= 4; i++) {
            assertWrongPassword(longOnly.passwordGrant(slow, user, WRONG), "failure " + i
                    + ": a burst window of 0 is off, whatever Burst max says");
        }
        Response hour = longOnly.passwordGrant(slow, user, PASSWORD);
        assertEquals(429, hour.statusCode());
        long hourRetry = Long.parseLong(hour.header("Retry-After"));
        assertTrue(hourRetry > 60 && hourRetry <= 3600, "Retry-After " + hourRetry);

        RateLimitedClient burstOnly = realm.directGrant("burstonly", Map.of("maxFailures", "1", "window", "0",
                "burstMax", "2", "burstWindow", "30s"));
        String third = RateLimitRealm.newAddress();
        assertWrongPassword(burstOnly.passwordGrant(third, user, WRONG),
                "a window of 0 is off, whatever Max failures says");
        assertWrongPassword(burstOnly.passwordGrant(third, user, WRONG));
        Response burstOnlyBlocked = burstOnly.passwordGrant(third, user, PASSWORD);
        assertEquals(429, burstOnlyBlocked.statusCode());
        long retry = Long.parseLong(burstOnlyBlocked.header("Retry-After"));
        assertTrue(retry > 0 && retry <= 30, "Retry-After " + retry);
    }

    @Test
    void failuresOfEveryClientOfTheRealmCountAgainstTheAddress() {
        RateLimitedClient limited = realm.directGrant("realmwide", Map.of("maxFailures", "2", "window", "1h",
                "burstWindow", "0"));
        String attacker = RateLimitRealm.newAddress();
        // admin-cli uses the realm's own direct grant flow, without the gate: its failures still count.
        for (int i = 0; i < 2; i++) {
            Response r = io.restassured.RestAssured.given().header("X-Forwarded-For", attacker)
                    .formParam("grant_type", "password").formParam("client_id", "admin-cli")
                    .formParam("username", user).formParam("password", WRONG)
                    .post(Tokens.tokenEndpoint(env.baseUrl(), realm.name));
            assertWrongPassword(r);
        }
        assertEquals(429, limited.passwordGrant(attacker, user, PASSWORD).statusCode());
    }

    @Test
    void anIpv6AddressIsOneAddressHoweverItIsWritten() {
        RateLimitedClient client = realm.directGrant("ipv6", Map.of("maxFailures", "2", "window", "1h",
                "burstWindow", "0", "ipv6Prefix", "128"));
        assertWrongPassword(client.passwordGrant("2001:db8:0:0:0:0:0:7", user, WRONG));
        assertWrongPassword(client.passwordGrant("[2001:db8::7]", user, WRONG));
        assertEquals(429, client.passwordGrant("2001:DB8::0:7", user, PASSWORD).statusCode());
        assertEquals(429, client.passwordGrant("[2001:db8::7]", user, PASSWORD).statusCode());
        // With a prefix of 128 each address is counted on its own.
        assertEquals(200, client.passwordGrant("2001:db8::8", user, PASSWORD).statusCode());
        assertTrue(redis.exists(key("2001:db8:0:0:0:0:0:7/128")), "one key for every spelling of the address");
    }

    @Test
    void ipv6IsCountedPerSlashSixtyFourByDefault() {
        RateLimitedClient client = realm.directGrant("ipv6net", Map.of("maxFailures", "2", "window", "1h",
                "burstWindow", "0"));
        assertWrongPassword(client.passwordGrant("2001:db8:6:1::7", user, WRONG));
        assertWrongPassword(client.passwordGrant("2001:db8:6:1:ffff::9", user, WRONG));
        Response blocked = client.passwordGrant("2001:db8:6:1::8", user, PASSWORD);
        assertEquals(429, blocked.statusCode(), "another address of the same /64: " + blocked.asString());
        assertEquals(200, client.passwordGrant("2001:db8:6:2::7", user, PASSWORD).statusCode(), "another /64");
        assertEquals(2, redis.zcard(key("2001:db8:6:1:0:0:0:0/64")));
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) realm.loginErrors(client.clientId(), "guard_ip_rate_limited")
                .get(0).get("details");
        assertEquals("2001:db8:6:1:0:0:0:8", details.get("ip"));
        assertEquals("2001:db8:6:1:0:0:0:0/64", details.get("counted_as"));
    }

    @Test
    void aForwardedForHeaderFromAnUntrustedPeerIsIgnored() {
        RateLimitedClient client = realm.directGrant("spoof", Map.of("maxFailures", "3", "window", "1h",
                "burstWindow", "0"));
        String spoofed = RateLimitRealm.newAddress();
        for (int i = 1; i <= 3; i++) {
            RawHttp.Reply reply = grantFromUntrustedPeer(client, spoofed, WRONG);
            assertEquals(Tokens.wrongPasswordStatus(), reply.status(), reply.body());
            assertTrue(reply.body().contains("Invalid user credentials"), reply.body());
        }
        assertFalse(redis.exists(key(spoofed)), "nothing counted against the address the peer claimed");
        assertEquals(3, redis.zcard(key("127.0.0.2")), "the failures count against the peer itself");

        assertEquals(200, client.passwordGrant(spoofed, user, PASSWORD).statusCode());
        RawHttp.Reply peer = grantFromUntrustedPeer(client, spoofed, PASSWORD);
        assertEquals(429, peer.status(), peer.body());
        assertTrue(Long.parseLong(peer.header("Retry-After")) > 0);
        assertEquals(429, client.passwordGrant("127.0.0.2", user, PASSWORD).statusCode());
    }

    @Test
    void aMalformedForwardedForHeaderNeverCausesAServerError() {
        RateLimitedClient client = realm.directGrant("garbage", Map.of("maxFailures", "2", "window", "1h",
                "burstWindow", "0"));
        // Not "" nor ",": Quarkus fails such a request in its forwarded-header parser before Keycloak sees it
        // (an uncaught "host name must not be empty", no response at all), whatever the pack does.
        for (String header : List.of("not-an-ip", "999.1.1.1", "[::1", "203.0.113.7, 198.51.100.1",
                "unknown", "1.2.3.4:99999", "\u00e9\u00e9", "2001:db8::1")) {
            Response wrong = client.passwordGrant(header, user, WRONG);
            assertTrue(wrong.statusCode() < 500, header + " -> " + wrong.statusCode() + " " + wrong.asString());
            Response right = client.passwordGrant(header, user, PASSWORD);
            assertTrue(right.statusCode() < 500, header + " -> " + right.statusCode() + " " + right.asString());
        }
    }

    @Test
    void aThousandFreshAddressesInOneIpv6SlashSixtyFourAreLimitedAsOne() {
        // The shipped defaults: 100 a day, 10 a minute.
        RateLimitedClient client = realm.directGrant("v6net", Map.of());
        String network = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff)) + ":77:";
        Set<String> addresses = new LinkedHashSet<>();
        while (addresses.size() < 1000) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            addresses.add(network + Integer.toHexString(r.nextInt(0x10000)) + ":" + Integer.toHexString(r.nextInt(0x10000))
                    + ":" + Integer.toHexString(r.nextInt(0x10000)) + ":" + Integer.toHexString(1 + r.nextInt(0xffff)));
        }
        Map<Integer, Long> answers = sendAll(client, new ArrayList<>(addresses), 8);
        long tried = answers.getOrDefault(400, 0L);
        assertTrue(tried <= 10, "at most the burst limit (10) of 1,000 fresh addresses in one /64 may try a password: "
                + answers);
        assertEquals(1000 - tried, answers.getOrDefault(429, 0L).longValue(), "the rest are refused: " + answers);
    }

    @Test
    void twoHundredParallelWrongPasswordsFromOneAddressCountAtMostTheLimit() {
        RateLimitedClient client = realm.directGrant("parallel", Map.of("maxFailures", "10", "window", "1h",
                "burstWindow", "0"));
        String attacker = RateLimitRealm.newAddress();
        List<String> sameAddress = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sameAddress.add(attacker);
        }
        Map<Integer, Long> answers = sendAll(client, sameAddress, 200);
        long tried = answers.getOrDefault(400, 0L);
        assertTrue(tried <= 10, "of 200 parallel attempts at most the limit (10) may try a password: " + answers);
        assertEquals(200 - tried, answers.getOrDefault(429, 0L).longValue(), "the rest are refused: " + answers);
        long counted = redis.zcard(key(attacker));
        assertTrue(counted <= 10, "at most the limit counted: " + counted);
    }

    /** Wrong-password grants, one per address, {@code parallel} at a time; counts the answers by status. */
    private static Map<Integer, Long> sendAll(RateLimitedClient client, List<String> addresses, int parallel) {
        String body = "grant_type=password&client_id=" + client.clientId() + "&username=" + user + "&password="
                + URLEncoder.encode(WRONG, StandardCharsets.UTF_8);
        URI token = URI.create(Tokens.tokenEndpoint(env.baseUrl(), realm.name));
        List<Integer> statuses = new ArrayList<>();
        for (int from = 0; from < addresses.size(); from += parallel) {
            List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
            for (String address : addresses.subList(from, Math.min(addresses.size(), from + parallel))) {
                batch.add(HTTP.sendAsync(HttpRequest.newBuilder(token).timeout(Duration.ofSeconds(120))
                        .header("Content-Type", "application/x-www-form-urlencoded").header("X-Forwarded-For", address)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : batch) {
                HttpResponse<String> response = f.join();
                if (response.statusCode() == 400) {
                    assertTrue(response.body().contains("Invalid user credentials"), response.body());
                }
                statuses.add(response.statusCode());
            }
        }
        return statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    }

    private RawHttp.Reply grantFromUntrustedPeer(RateLimitedClient client, String forwardedFor, String password) {
        return RawHttp.postForm("127.0.0.2", Tokens.tokenEndpoint(env.baseUrl(), realm.name),
                Map.of("X-Forwarded-For", forwardedFor),
                Map.of("grant_type", "password", "client_id", client.clientId(), "username", user,
                        "password", password));
    }

    private static String key(String address) {
        return key(realm, address);
    }

    private static String key(RateLimitRealm realm, String address) {
        return env.keyPrefix() + "ratelimit:v2:{" + realm.id + "}:" + address;
    }
}
