package io.keycloakguard.it.clients;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.revocation.RevocationClient;
import io.keycloakguard.revocation.jwt.BearerTokenCheck;
import io.keycloakguard.revocation.jwt.KeycloakJwtVerifier;
import io.keycloakguard.revocation.jwt.RevocationCheckingFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import redis.clients.jedis.RedisClient;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The Java resource server of the scenario: a real servlet container (Jetty) on a loopback port with the
 * revocation-client's {@link RevocationCheckingFilter} in front of {@code /api/*}, configured from the same
 * {@code KEYCLOAK_GUARD_*} settings as the other stacks' apps. {@code /health} answers 503 while the feed is not
 * loaded, or stale for a fail-closed app.
 */
final class JavaFilterApp implements ResourceServerScenario.AppUnderTest {

    private final String name;
    private final RedisClient redis;
    private final RevocationClient revocations;
    private final Server server;

    private JavaFilterApp(String name, Map<String, String> settings) throws Exception {
        this.name = "java filter " + name;
        redis = RedisClient.create(settings.get("KEYCLOAK_GUARD_REDIS_URL"));
        revocations = RevocationClient.builder(redis, settings.get("KEYCLOAK_GUARD_REALM"))
                .keyPrefix(settings.get("KEYCLOAK_GUARD_KEY_PREFIX"))
                .staleAfter(Duration.ofSeconds(Long.parseLong(settings.getOrDefault("KEYCLOAK_GUARD_STALE_AFTER", "10"))))
                .failClosedWhenStale(Boolean.parseBoolean(settings.getOrDefault("KEYCLOAK_GUARD_FAIL_CLOSED", "false")))
                .start();
        BearerTokenCheck check = new BearerTokenCheck(new KeycloakJwtVerifier(settings.get("KEYCLOAK_GUARD_ISSUER"),
                Set.of(settings.get("KEYCLOAK_GUARD_AUDIENCE"))), revocations);

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(new RevocationCheckingFilter(check)), "/api/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                Object claims = request.getAttribute(RevocationCheckingFilter.CLAIMS_ATTRIBUTE);
                response.setContentType("application/json");
                response.getWriter().write("{\"sub\":\"" + ((com.nimbusds.jwt.JWTClaimsSet) claims).getSubject() + "\"}");
            }
        }), "/api/me");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                RevocationClient.Health health = revocations.health();
                boolean serving = health.ready() && !(revocations.failsClosed() && health.stale());
                response.setStatus(serving ? 200 : 503);
                response.setContentType("application/json");
                response.getWriter().write("{\"ready\":" + health.ready() + ",\"stale\":" + health.stale() + "}");
            }
        }), "/health");
        server.setHandler(context);
        server.start();
    }

    /** The launcher {@link ResourceServerScenario} starts apps with: serving once the feed loaded (and is fresh). */
    static ResourceServerScenario.AppUnderTest start(String name, Map<String, String> settings) throws Exception {
        JavaFilterApp app = new JavaFilterApp(name, settings);
        try {
            Await.until(() -> ResourceServerScenario.health(app) == 200, Duration.ofSeconds(60), app.name + " serves");
        } catch (AssertionError e) {
            app.close();
            throw e;
        }
        return app;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public String healthPath() {
        return "/health";
    }

    @Override
    public String logTail() {
        return name + ": " + revocations.health();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping anyway
        }
        revocations.close();
        redis.close();
    }
}
