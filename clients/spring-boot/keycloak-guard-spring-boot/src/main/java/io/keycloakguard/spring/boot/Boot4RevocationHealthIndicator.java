package io.keycloakguard.spring.boot;

import io.keycloakguard.revocation.RevocationClient;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/** The revocation feed's health on Spring Boot 4 ({@code org.springframework.boot.health.contributor}). */
final class Boot4RevocationHealthIndicator implements HealthIndicator {

    private final RevocationClient revocations;
    private final RevocationSettings settings;

    Boot4RevocationHealthIndicator(RevocationClient revocations, RevocationSettings settings) {
        this.revocations = revocations;
        this.settings = settings;
    }

    @Override
    public Health health() {
        RevocationHealth.Report report = RevocationHealth.of(revocations, settings);
        return Health.status(new Status(report.status())).withDetails(report.details()).build();
    }
}
