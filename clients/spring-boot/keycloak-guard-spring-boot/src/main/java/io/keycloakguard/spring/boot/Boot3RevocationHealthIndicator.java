package io.keycloakguard.spring.boot;

import io.keycloakguard.revocation.RevocationClient;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/** The revocation feed's health on Spring Boot 3 ({@code org.springframework.boot.actuate.health}). */
final class Boot3RevocationHealthIndicator implements HealthIndicator {

    private final RevocationClient revocations;
    private final RevocationSettings settings;

    Boot3RevocationHealthIndicator(RevocationClient revocations, RevocationSettings settings) {
        this.revocations = revocations;
        this.settings = settings;
    }

    @Override
    public Health health() {
        RevocationHealth.Report report = RevocationHealth.of(revocations, settings);
        return Health.status(new Status(report.status())).withDetails(report.details()).build();
    }
}
