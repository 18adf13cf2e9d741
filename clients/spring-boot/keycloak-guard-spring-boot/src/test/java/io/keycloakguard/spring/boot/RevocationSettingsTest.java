package io.keycloakguard.spring.boot;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RevocationSettingsTest {

    static RevocationSettings resolve(MockEnvironment environment) {
        ConfigurationPropertySources.attach(environment);
        KeycloakGuardRevocationProperties properties = Binder.get(environment)
                .bindOrCreate(KeycloakGuardRevocationProperties.PREFIX, KeycloakGuardRevocationProperties.class);
        return RevocationSettings.resolve(properties, environment);
    }

    @Test
    void readsTheCrossLanguageVariablesWhenThePropertiesAreNotSet() {
        RevocationSettings settings = resolve(new MockEnvironment()
                .withProperty("KEYCLOAK_GUARD_REDIS_URL", "redis://redis:6379")
                .withProperty("KEYCLOAK_GUARD_KEY_PREFIX", "p:")
                .withProperty("KEYCLOAK_GUARD_ISSUER", "https://sso.example.com/realms/shop")
                .withProperty("KEYCLOAK_GUARD_STALE_AFTER", "4")
                .withProperty("KEYCLOAK_GUARD_READY_TIMEOUT", "0.5")
                .withProperty("KEYCLOAK_GUARD_FAIL_CLOSED", "true")
                .withProperty("KEYCLOAK_GUARD_ACCEPT_SENDER_CONSTRAINED", "1"));
        assertThat(settings).isEqualTo(new RevocationSettings("redis://redis:6379", "p:", "shop",
                Duration.ofSeconds(4), true, Duration.ofMillis(500), true));
    }

    @Test
    void propertiesUnderAnyOfBootsNamesWinOverTheVariables() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("keycloak-guard.revocation.redis-url", "redis://from-property:6379")
                .withProperty("keycloak-guard.revocation.stale-after", "3s");
        // Environment variables as Boot sees them, where KEYCLOAK_GUARD_REVOCATION_REALM is keycloak-guard.revocation.realm.
        environment.getPropertySources().addLast(new SystemEnvironmentPropertySource("systemEnvironment", Map.of(
                "KEYCLOAK_GUARD_REDIS_URL", "redis://from-variable:6379",
                "KEYCLOAK_GUARD_REVOCATION_REALM", "from-relaxed-name",
                "KEYCLOAK_GUARD_REALM", "from-variable",
                "KEYCLOAK_GUARD_STALE_AFTER", "30")));
        RevocationSettings settings = resolve(environment);
        assertThat(settings.redisUrl()).isEqualTo("redis://from-property:6379");
        assertThat(settings.realm()).isEqualTo("from-relaxed-name");
        assertThat(settings.staleAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.keyPrefix()).isEqualTo("kcguard:");
        assertThat(settings.failClosed()).isFalse();
        assertThat(settings.readyTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aPlainNumberIsSeconds() {
        assertThat(resolve(new MockEnvironment().withProperty("keycloak-guard.revocation.redis-url", "redis://r:1")
                .withProperty("keycloak-guard.revocation.realm", "r")
                .withProperty("keycloak-guard.revocation.stale-after", "15")).staleAfter()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void theRealmComesFromSpringsIssuerUri() {
        assertThat(resolve(new MockEnvironment().withProperty("keycloak-guard.revocation.redis-url", "redis://r:1")
                .withProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri", "https://sso/realms/app/")).realm())
                .isEqualTo("app");
        assertThat(RevocationSettings.realmOf("https://sso/realms/app/protocol")).isNull();
        assertThat(RevocationSettings.realmOf("https://sso/auth")).isNull();
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> resolve(new MockEnvironment().withProperty("KEYCLOAK_GUARD_REDIS_URL", "redis://r:1")
                .withProperty("KEYCLOAK_GUARD_REALM", "r").withProperty("KEYCLOAK_GUARD_FAIL_CLOSED", "maybe")))
                .hasMessageContaining("KEYCLOAK_GUARD_FAIL_CLOSED=maybe is not valid");
        assertThatThrownBy(() -> resolve(new MockEnvironment().withProperty("KEYCLOAK_GUARD_REDIS_URL", "redis://r:1")
                .withProperty("KEYCLOAK_GUARD_REALM", "r").withProperty("KEYCLOAK_GUARD_STALE_AFTER", "0")))
                .hasMessageContaining("stale-after must be positive");
        assertThatThrownBy(() -> new KeycloakGuardRedis("localhost:6379")).hasMessageContaining("redis://host:6379");
    }
}
