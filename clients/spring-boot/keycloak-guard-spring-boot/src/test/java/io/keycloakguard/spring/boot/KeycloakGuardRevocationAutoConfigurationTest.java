package io.keycloakguard.spring.boot;

import io.keycloakguard.revocation.RevocationClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import redis.clients.jedis.UnifiedJedis;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The auto-configuration's conditions, and Boot's own JwtDecoder with the validator in it: real tokens signed with a
 * key Boot fetches over HTTP, a real redis-server carrying the feed. Runs under Boot 3.5 here and again under each
 * Boot line in the example modules.
 */
class KeycloakGuardRevocationAutoConfigurationTest {

    static RedisServerProcess redis;
    static TokenIssuer issuer;

    @BeforeAll
    static void start() {
        assumeTrue(RedisServerProcess.available(), "needs redis-server on the PATH");
        redis = RedisServerProcess.start();
        issuer = new TokenIssuer();
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    /** A servlet app with its own filter chain (Boot's needs HttpSecurity), Boot's resource server and the starter. */
    WebApplicationContextRunner app(Feed feed) {
        return new WebApplicationContextRunner()
                .withConfiguration(BootLine.resourceServer())
                .withUserConfiguration(FilterChain.class)
                .withPropertyValues(
                        "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + issuer.jwksUrl(),
                        "spring.security.oauth2.resourceserver.jwt.issuer-uri=" + TokenIssuer.ISSUER + feed.realm,
                        "spring.security.oauth2.resourceserver.jwt.audiences=" + TokenIssuer.AUDIENCE,
                        "keycloak-guard.revocation.redis-url=" + redis.url(),
                        "keycloak-guard.revocation.key-prefix=" + Feed.PREFIX);
    }

    @Configuration(proxyBeanMethods = false)
    static class FilterChain {
        @Bean
        SecurityFilterChain filterChain() {
            return new DefaultSecurityFilterChain(AnyRequestMatcher.INSTANCE);
        }
    }

    @Test
    void bootsDecoderRefusesRevokedTokensAndKeepsItsIssuerAndAudienceChecks() {
        try (Feed feed = new Feed(redis.url())) {
            feed.heartbeat(System.currentTimeMillis());
            app(feed).run(context -> {
                assertThat(context).hasNotFailed();
                // The realm comes from the issuer-uri.
                assertThat(context.getBean(RevocationSettings.class).realm()).isEqualTo(feed.realm);
                JwtDecoder decoder = context.getBean(JwtDecoder.class);
                String good = issuer.token(feed.realm);
                assertThat(decoder.decode(good).getSubject()).isNotNull();

                assertRefused(decoder, issuer.token(feed.realm, c -> c.issuer("http://elsewhere/realms/x")), "iss");
                assertRefused(decoder, issuer.token(feed.realm, c -> c.audience("other-api")), "aud");
                assertRefused(decoder, issuer.token(feed.realm, c -> c.claim("typ", "ID")), "not an access token");
                assertRefused(decoder, issuer.token(feed.realm, c -> c.claim("typ", "Refresh")), "not an access token");
                assertRefused(decoder, issuer.token(feed.realm, c -> c.claim("cnf", Map.of("jkt", "abc"))),
                        "sender-constrained");

                feed.revokeSession((String) TokenIssuer.claims(good).get("sid"));
                awaitRefused(decoder, good, "token revoked");
                assertThat(decoder.decode(issuer.token(feed.realm)).getSubject()).as("another session").isNotNull();

                RevocationTokenValidator validator = context.getBean(RevocationTokenValidator.class);
                assertThat(validator.rejected(RevocationTokenValidator.Rejection.REVOKED)).isPositive();
                assertThat(validator.rejected(RevocationTokenValidator.Rejection.SENDER_CONSTRAINED)).isEqualTo(1);
                assertThat(context.getBean(UncheckedDecoderWarning.class).unchecked()).isEmpty();
            });
        }
    }

    @Test
    void theFeedStopsWhenTheContextCloses() {
        try (Feed feed = new Feed(redis.url())) {
            String follower = "keycloak-guard-revocations-" + feed.realm;
            app(feed).run(context -> {
                assertThat(context.getBean(RevocationClient.class).awaitReady(Duration.ofSeconds(5))).isTrue();
                assertThat(threadAlive(follower)).isTrue();
                assertThat(context.getBean(RevocationFeedLifecycle.class).isRunning()).isTrue();
            });
            awaitTrue(() -> !threadAlive(follower), "the follower thread ends with the context");
        }
    }

    static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void aUserRevocationCoversOlderTokensOnlyAsSpringGivesTheirIssueTime() {
        try (Feed feed = new Feed(redis.url())) {
            app(feed).run(context -> {
                JwtDecoder decoder = context.getBean(JwtDecoder.class);
                long now = System.currentTimeMillis() / 1000;
                String before = issuer.token(feed.realm, c -> c.subject("u1").issueTime(new java.util.Date((now - 10) * 1000)));
                String after = issuer.token(feed.realm, c -> c.subject("u1").issueTime(new java.util.Date((now + 1) * 1000)));
                feed.revokeUser("u1", now - 5);
                awaitRefused(decoder, before, "token revoked");
                assertThat(decoder.decode(after).getSubject()).isEqualTo("u1");
            });
        }
    }

    @Test
    void senderConstrainedTokensOnlyWhenTheAppSaysItValidatesTheBinding() {
        try (Feed feed = new Feed(redis.url())) {
            app(feed).withPropertyValues("keycloak-guard.revocation.accept-sender-constrained=true").run(context -> {
                JwtDecoder decoder = context.getBean(JwtDecoder.class);
                assertThat(decoder.decode(issuer.token(feed.realm, c -> c.claim("typ", "DPoP")
                        .claim("cnf", Map.of("jkt", "abc")))).getSubject()).isNotNull();
                assertRefused(decoder, issuer.token(feed.realm, c -> c.claim("typ", "ID")), "not an access token");
            });
        }
    }

    @Test
    void refusesEveryTokenUntilTheFeedHasLoaded() {
        try (Feed feed = new Feed(redis.url())) {
            app(feed).withPropertyValues("keycloak-guard.revocation.redis-url=redis://127.0.0.1:1",
                            "keycloak-guard.revocation.ready-timeout=200ms")
                    .run(context -> {
                        assertThat(context).hasNotFailed(); // the start waited, then went on
                        assertRefused(context.getBean(JwtDecoder.class), issuer.token(feed.realm), "not loaded");
                        assertThat(RevocationHealth.of(context.getBean(RevocationClient.class),
                                context.getBean(RevocationSettings.class)).status()).isEqualTo(RevocationHealth.OUT_OF_SERVICE);
                    });
        }
    }

    @Test
    void failClosedRefusesEveryTokenWhileTheFeedIsStale() {
        try (Feed feed = new Feed(redis.url())) {
            feed.heartbeat(System.currentTimeMillis() - 60_000);
            app(feed).withPropertyValues("keycloak-guard.revocation.fail-closed=true").run(context -> {
                JwtDecoder decoder = context.getBean(JwtDecoder.class);
                RevocationClient client = context.getBean(RevocationClient.class);
                assertThat(client.awaitReady(Duration.ofSeconds(5))).isTrue();
                assertRefused(decoder, issuer.token(feed.realm), "stale");
                RevocationSettings settings = context.getBean(RevocationSettings.class);
                assertThat(RevocationHealth.of(client, settings).status()).isEqualTo(RevocationHealth.OUT_OF_SERVICE);

                feed.heartbeat(System.currentTimeMillis());
                awaitAccepted(decoder, issuer.token(feed.realm));
                assertThat(RevocationHealth.of(client, settings).status()).isEqualTo(RevocationHealth.UP);
            });
            app(feed).run(context -> {
                // Fail-open on the same feed, once stale: serves from memory, health UNKNOWN (overall stays UP).
                feed.heartbeat(System.currentTimeMillis() - 60_000);
                RevocationClient client = context.getBean(RevocationClient.class);
                assertThat(client.awaitReady(Duration.ofSeconds(5))).isTrue();
                assertThat(context.getBean(JwtDecoder.class).decode(issuer.token(feed.realm))).isNotNull();
                RevocationHealth.Report report = RevocationHealth.of(client, context.getBean(RevocationSettings.class));
                assertThat(report.details()).containsEntry("failClosed", false).containsEntry("ready", true);
            });
        }
    }

    @Test
    void healthIndicatorAndMetersWhenActuatorAndMicrometerArePresent() {
        try (Feed feed = new Feed(redis.url())) {
            feed.heartbeat(System.currentTimeMillis());
            app(feed).run(context -> {
                assertThat(context.getBean("keycloakGuardHealthIndicator")).isInstanceOf(BootLine.healthIndicatorType());
                MeterRegistry registry = new SimpleMeterRegistry();
                context.getBean(RevocationMetrics.class).bindTo(registry);
                feed.revokeSession("s1");
                RevocationClient client = context.getBean(RevocationClient.class);
                awaitTrue(() -> client.liveRevocations() == 1, "the record is applied");
                assertThat(registry.get("keycloak.guard.revocation.live").gauge().value()).isEqualTo(1.0);
                assertThat(registry.get("keycloak.guard.revocation.ready").gauge().value()).isEqualTo(1.0);
                assertThat(registry.get("keycloak.guard.revocation.skipped").functionCounter().count()).isZero();
                assertThat(registry.get("keycloak.guard.revocation.staleness").timeGauge().value()).isLessThan(60_000);
                assertRefused(context.getBean(JwtDecoder.class), issuer.token(feed.realm, c -> c.claim("typ", "ID")), "typ");
                assertThat(registry.get("keycloak.guard.revocation.rejected").tag("reason", "not-an-access-token")
                        .functionCounter().count()).isEqualTo(1.0);
            });
            app(feed).withClassLoader(new FilteredClassLoader(MeterBinder.class))
                    .run(context -> assertThat(context).doesNotHaveBean(RevocationMetrics.class));
            app(feed).withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.health",
                            "org.springframework.boot.health"))
                    .run(context -> assertThat(context).doesNotHaveBean("keycloakGuardHealthIndicator"));
            app(feed).withPropertyValues("management.health.keycloak-guard.enabled=false")
                    .run(context -> assertThat(context).doesNotHaveBean("keycloakGuardHealthIndicator"));
        }
    }

    @Test
    void backsOffForTheApplicationsOwnBeans() {
        try (Feed feed = new Feed(redis.url());
             UnifiedJedis jedis = new UnifiedJedis(URI.create(redis.url()))) {
            RevocationClient own = RevocationClient.builder(jedis, feed.realm).keyPrefix(Feed.PREFIX).start();
            try {
                app(feed).withBean(RevocationClient.class, () -> own).run(context -> {
                    assertThat(context).doesNotHaveBean(KeycloakGuardRedis.class);
                    assertThat(context.getBean(RevocationTokenValidator.class).revocations()).isSameAs(own);
                });
            } finally {
                own.close();
            }
            RevocationTokenValidator validator = new RevocationTokenValidator(own, true, false);
            app(feed).withBean(RevocationTokenValidator.class, () -> validator)
                    .run(context -> assertThat(context.getBean(RevocationTokenValidator.class)).isSameAs(validator));
        }
    }

    @Test
    void configuresNothingWhenDisabledOrWithoutSpringSecurityJwt() {
        try (Feed feed = new Feed(redis.url())) {
            app(feed).withPropertyValues("keycloak-guard.revocation.enabled=false").run(context -> {
                assertThat(context).doesNotHaveBean(RevocationClient.class).doesNotHaveBean(RevocationTokenValidator.class);
                assertThat(context).hasSingleBean(JwtDecoder.class);
            });
            new WebApplicationContextRunner().withConfiguration(BootLine.resourceServer())
                    .withClassLoader(new FilteredClassLoader(OAuth2TokenValidator.class))
                    .run(context -> assertThat(context).doesNotHaveBean(RevocationClient.class));
        }
    }

    @Test
    void aMissingRedisUrlOrRealmStopsTheStartWithTheSettingToFix() {
        new WebApplicationContextRunner().withConfiguration(BootLine.resourceServer())
                .withUserConfiguration(FilterChain.class)
                .withPropertyValues("keycloak-guard.revocation.realm=r")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("keycloak-guard.revocation.redis-url is required (or KEYCLOAK_GUARD_REDIS_URL)"));
        new WebApplicationContextRunner().withConfiguration(BootLine.resourceServer())
                .withUserConfiguration(FilterChain.class)
                .withPropertyValues("keycloak-guard.revocation.redis-url=" + redis.url())
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("keycloak-guard.revocation.realm is required"));
    }

    @Test
    void anApplicationsOwnDecoderIsReportedUnlessWrapped() {
        try (Feed feed = new Feed(redis.url())) {
            app(feed).withUserConfiguration(OwnDecoder.class).run(context -> {
                assertThat(context.getBean(UncheckedDecoderWarning.class).unchecked()).containsExactly("myDecoder");
            });
            app(feed).withUserConfiguration(WrappedDecoder.class).run(context -> {
                assertThat(context.getBean(UncheckedDecoderWarning.class).unchecked()).isEmpty();
                JwtDecoder decoder = context.getBean(JwtDecoder.class);
                String token = issuer.token(feed.realm);
                assertRefused(decoder, issuer.token(feed.realm, c -> c.claim("typ", "ID")), "not an access token");
                assertThat(context.getBean(RevocationClient.class).awaitReady(Duration.ofSeconds(5))).isTrue();
                assertThat(decoder.decode(token)).isNotNull();
                feed.revokeSession((String) TokenIssuer.claims(token).get("sid"));
                awaitRefused(decoder, token, "token revoked");
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDecoder {
        @Bean
        JwtDecoder myDecoder() {
            return NimbusJwtDecoder.withJwkSetUri(issuer.jwksUrl()).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WrappedDecoder {
        @Bean
        JwtDecoder myDecoder(RevocationTokenValidator keycloakGuard) {
            return keycloakGuard.wrap(NimbusJwtDecoder.withJwkSetUri(issuer.jwksUrl()).build());
        }
    }

    static void assertRefused(JwtDecoder decoder, String token, String why) {
        assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(JwtException.class).hasMessageContaining(why);
    }

    static void awaitRefused(JwtDecoder decoder, String token, String why) {
        awaitTrue(() -> {
            try {
                decoder.decode(token);
                return false;
            } catch (JwtException e) {
                return e.getMessage().contains(why);
            }
        }, "the token is refused: " + why);
        assertRefused(decoder, token, why);
    }

    static void awaitAccepted(JwtDecoder decoder, String token) {
        awaitTrue(() -> {
            try {
                Jwt jwt = decoder.decode(token);
                return jwt != null;
            } catch (JwtException e) {
                return false;
            }
        }, "the token is accepted");
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
