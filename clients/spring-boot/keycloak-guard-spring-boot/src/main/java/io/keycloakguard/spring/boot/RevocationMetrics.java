package io.keycloakguard.spring.boot;

import io.keycloakguard.revocation.RevocationClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters of the revocation feed, tagged with the realm; Spring Boot binds every {@link MeterBinder} bean
 * to its registry. Values are read when the registry is scraped, never on the request path.
 * <ul>
 *   <li>{@code keycloak.guard.revocation.live}: live revocation records in memory;</li>
 *   <li>{@code keycloak.guard.revocation.skipped}: feed entries that could not be applied (a newer publisher?);</li>
 *   <li>{@code keycloak.guard.revocation.staleness}: age of the newest confirmed publisher heartbeat (NaN before the
 *       first);</li>
 *   <li>{@code keycloak.guard.revocation.ready}, {@code .connected}, {@code .stale}: 1 or 0;</li>
 *   <li>{@code keycloak.guard.revocation.rejected}: tokens refused by the check, tagged {@code reason}.</li>
 * </ul>
 */
public final class RevocationMetrics implements MeterBinder {

    private final RevocationTokenValidator validator;
    private final String realm;

    public RevocationMetrics(RevocationTokenValidator validator, String realm) {
        this.validator = validator;
        this.realm = realm;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        RevocationClient client = validator.revocations();
        Tags tags = Tags.of("realm", realm);
        Gauge.builder("keycloak.guard.revocation.live", client, RevocationClient::liveRevocations)
                .tags(tags).description("Live revocation records in memory").register(registry);
        FunctionCounter.builder("keycloak.guard.revocation.skipped", client, RevocationClient::skipped)
                .tags(tags).description("Feed entries that could not be applied and were skipped").register(registry);
        TimeGauge.builder("keycloak.guard.revocation.staleness", client, TimeUnit.MILLISECONDS, RevocationMetrics::stalenessMillis)
                .tags(tags).description("Age of the newest confirmed publisher heartbeat").register(registry);
        Gauge.builder("keycloak.guard.revocation.ready", client, c -> c.isReady() ? 1 : 0)
                .tags(tags).description("1 once the feed's first snapshot has loaded").register(registry);
        Gauge.builder("keycloak.guard.revocation.connected", client, c -> c.health().connected() ? 1 : 0)
                .tags(tags).description("1 while the last read from Redis succeeded").register(registry);
        Gauge.builder("keycloak.guard.revocation.stale", client, c -> c.isStale() ? 1 : 0)
                .tags(tags).description("1 while the feed is older than stale-after").register(registry);
        for (RevocationTokenValidator.Rejection reason : RevocationTokenValidator.Rejection.values()) {
            FunctionCounter.builder("keycloak.guard.revocation.rejected", validator, v -> v.rejected(reason))
                    .tags(tags.and("reason", reason.tag())).description("Tokens refused by Keycloak Guard's checks")
                    .register(registry);
        }
    }

    private static double stalenessMillis(RevocationClient client) {
        Duration staleness = client.staleness();
        return staleness.toMillis() == Long.MAX_VALUE ? Double.NaN : staleness.toMillis();
    }
}
