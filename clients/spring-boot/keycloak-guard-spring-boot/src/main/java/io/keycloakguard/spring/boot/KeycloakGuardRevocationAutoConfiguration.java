package io.keycloakguard.spring.boot;

import io.keycloakguard.revocation.RevocationClient;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Keycloak Guard for Spring Boot 3.5 and 4.x resource servers: follows the revocation feed from Redis and adds a
 * {@link RevocationTokenValidator} bean, which Boot's {@code JwtDecoder} auto-configuration (servlet and reactive,
 * both Boot lines) appends to its validators after the issuer, audience and timestamp checks the application
 * configured. Every bean backs off when the application defines its own.
 *
 * <p>Only Boot-line-neutral API is used here; the two health indicators sit in nested configurations that are only
 * read when their Boot line's classes are present.
 */
@AutoConfiguration(beforeName = {
        // Boot 3.5, 4.0 and 4.1 keep them under three different names.
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.autoconfigure.security.oauth2.resource.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration"})
@ConditionalOnClass({JwtDecoder.class, OAuth2TokenValidator.class, RevocationClient.class})
@ConditionalOnProperty(prefix = KeycloakGuardRevocationProperties.PREFIX, name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(KeycloakGuardRevocationProperties.class)
public class KeycloakGuardRevocationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RevocationSettings keycloakGuardRevocationSettings(KeycloakGuardRevocationProperties properties,
                                                       Environment environment) {
        return RevocationSettings.resolve(properties, environment);
    }

    @Bean
    @ConditionalOnMissingBean
    RevocationTokenValidator keycloakGuardTokenValidator(RevocationClient revocations, RevocationSettings settings) {
        return new RevocationTokenValidator(revocations, settings.failClosed(), settings.acceptSenderConstrained());
    }

    @Bean
    @ConditionalOnMissingBean
    RevocationFeedLifecycle keycloakGuardFeedLifecycle(RevocationClient revocations, RevocationSettings settings) {
        return new RevocationFeedLifecycle(revocations, settings.readyTimeout());
    }

    @Bean
    static UncheckedDecoderWarning keycloakGuardUncheckedDecoderWarning(ListableBeanFactory beans) {
        return new UncheckedDecoderWarning(beans);
    }

    /** The feed itself, unless the application brings its own RevocationClient (e.g. on Sentinel or Cluster). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(RevocationClient.class)
    static class FeedConfiguration {

        @Bean(destroyMethod = "close")
        KeycloakGuardRedis keycloakGuardRedis(RevocationSettings settings) {
            return new KeycloakGuardRedis(settings.redisUrl());
        }

        /** Starts following at once, in a daemon thread; closed when the context closes, after the web server. */
        @Bean(destroyMethod = "close")
        RevocationClient keycloakGuardRevocationClient(KeycloakGuardRedis redis, RevocationSettings settings) {
            return RevocationClient.builder(redis.jedis(), settings.realm())
                    .keyPrefix(settings.keyPrefix())
                    .staleAfter(settings.staleAfter())
                    .failClosedWhenStale(settings.failClosed())
                    .start();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        RevocationMetrics keycloakGuardRevocationMetrics(RevocationTokenValidator validator, RevocationSettings settings) {
            return new RevocationMetrics(validator, settings.realm());
        }
    }

    /** Spring Boot 4: HealthIndicator moved to spring-boot-health. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnProperty(prefix = "management.health.keycloak-guard", name = "enabled", matchIfMissing = true)
    static class Boot4HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "keycloakGuardHealthIndicator")
        org.springframework.boot.health.contributor.HealthIndicator keycloakGuardHealthIndicator(
                RevocationClient revocations, RevocationSettings settings) {
            return new Boot4RevocationHealthIndicator(revocations, settings);
        }
    }

    /** Spring Boot 3: Actuator's HealthIndicator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnProperty(prefix = "management.health.keycloak-guard", name = "enabled", matchIfMissing = true)
    static class Boot3HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "keycloakGuardHealthIndicator")
        org.springframework.boot.actuate.health.HealthIndicator keycloakGuardHealthIndicator(
                RevocationClient revocations, RevocationSettings settings) {
            return new Boot3RevocationHealthIndicator(revocations, settings);
        }
    }
}
