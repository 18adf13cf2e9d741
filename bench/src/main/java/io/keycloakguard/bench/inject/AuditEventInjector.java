package io.keycloakguard.bench.inject;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.common.ClientConnection;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends LOGIN events of one user through Keycloak's {@link EventBuilder}, each in its own transaction as a login
 * request would, from {@code threads} threads for {@code seconds}, paced to at most {@code rate} events/s in total
 * (0 = as fast as possible). Answers how many events were sent.
 */
public class AuditEventInjector {

    private final KeycloakSession session;
    private final RealmModel realm;

    AuditEventInjector(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    @POST
    @Path("inject")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> inject(@QueryParam("seconds") int seconds, @QueryParam("threads") int threads,
                                      @QueryParam("rate") int rate, @QueryParam("username") String username,
                                      @QueryParam("client") String clientId) throws InterruptedException {
        UserModel user = session.users().getUserByUsername(realm, username);
        if (user == null || seconds <= 0 || threads <= 0) {
            throw new jakarta.ws.rs.BadRequestException("username of an existing user, seconds > 0, threads > 0");
        }
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        ClientConnection connection = session.getContext().getConnection();
        String realmId = realm.getId();
        String userId = user.getId();
        AtomicLong sent = new AtomicLong();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long intervalNanos = rate <= 0 ? 0 : 1_000_000_000L * threads / rate;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long offset = intervalNanos * t / threads;
            Thread worker = new Thread(() -> {
                long next = start + offset;
                while (System.nanoTime() < end) {
                    if (intervalNanos > 0) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        next += intervalNanos;
                    }
                    KeycloakModelUtils.runJobInTransaction(factory, s -> {
                        RealmModel r = s.realms().getRealm(realmId);
                        s.getContext().setRealm(r);
                        new EventBuilder(r, s, connection).event(EventType.LOGIN).user(userId).client(clientId)
                                .session(UUID.randomUUID().toString()).detail(Details.USERNAME, username)
                                .detail(Details.AUTH_METHOD, "openid-connect").success();
                    });
                    sent.incrementAndGet();
                }
            }, "guard-bench-events-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return Map.of("events", sent.get(), "seconds", elapsed);
    }
}
