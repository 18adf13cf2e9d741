package io.keycloakguard.it.notify;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.FreePorts;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A slow mail server does not hold up the user's other sign-ins (issue 24, item 12): the new-device email goes
 * out after the sign-in's transaction committed, outside the per-user lock.
 */
@ExtendWith(KeycloakGuardExtension.class)
class SlowMailServerIT {

    static StallingSmtp stalling;
    static NotifyRealm realm;

    @BeforeAll
    static void setUp(GuardEnvironment env) {
        stalling = StallingSmtp.start();
        realm = NotifyRealm.create(env, "slow-smtp", null);
        NewDeviceEmailIT.useDeviceRecorder(realm);
        // Keycloak waits up to two minutes for the server's greeting: far longer than the test takes.
        realm.smtp(Map.of("host", "127.0.0.1", "port", String.valueOf(stalling.port()), "from", NotifyRealm.FROM,
                "ssl", "false", "starttls", "false", "auth", "false", "timeout", "120000", "connectionTimeout", "10000"));
    }

    @AfterAll
    static void tearDown() {
        if (realm != null) {
            realm.delete();
        }
        if (stalling != null) {
            stalling.close();
        }
    }

    @Test
    void aSecondSignInOfTheUserCompletesWhileTheFirstEmailIsStillStalled() throws Exception {
        String username = NotifyRealm.unique("stalled");
        realm.createUser(username);
        BrowserSession laptop = new BrowserSession(realm.baseUrl()).userAgent(NewDeviceEmailIT.FIREFOX_LINUX)
                .forwardedFor("198.51.100.90");
        NewDeviceEmailIT.login(laptop, realm, username);
        Map.Entry<String, String> laptopDevice = laptop.cookieWithPath("KC_GUARD_DEVICE");

        // A new device: its email goes to the stalling server.
        CompletableFuture<Map<String, Object>> phone = CompletableFuture.supplyAsync(() -> NewDeviceEmailIT.login(
                new BrowserSession(realm.baseUrl()).userAgent(NewDeviceEmailIT.SAFARI_IPHONE).forwardedFor("203.0.113.90"),
                realm, username));
        try {
            Await.until(() -> stalling.connections() > 0, Duration.ofSeconds(60), "Keycloak connects to the mail server");

            // The same user on the known laptop (a fresh browser with its device cookie), while that email stalls.
            BrowserSession again = new BrowserSession(realm.baseUrl()).userAgent(NewDeviceEmailIT.FIREFOX_LINUX)
                    .forwardedFor("198.51.100.90").cookie(laptopDevice.getKey(), "KC_GUARD_DEVICE", laptopDevice.getValue());
            Map<String, Object> tokens = NewDeviceEmailIT.login(again, realm, username);
            assertNotNull(tokens.get("access_token"));
            assertEquals(List.of(), stalling.givenUp(),
                    "the second sign-in completed only after Keycloak gave up on the stalled mail server");
            assertEquals(1, stalling.connections(), "the known laptop sends no email");
        } finally {
            stalling.release();
        }
        assertNotNull(phone.get(60, TimeUnit.SECONDS).get("access_token"), "the first sign-in completes too");
    }

    /** Accepts SMTP connections and says nothing (no greeting) until released; notes connections the client closed. */
    static final class StallingSmtp implements AutoCloseable {

        private final ServerSocket server;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final List<Integer> givenUp = new CopyOnWriteArrayList<>();
        private final AtomicInteger connections = new AtomicInteger();
        private final AtomicBoolean released = new AtomicBoolean();

        private StallingSmtp(ServerSocket server) {
            this.server = server;
        }

        static StallingSmtp start() {
            try {
                StallingSmtp smtp = new StallingSmtp(new ServerSocket(FreePorts.next(), 50, InetAddress.getByName("127.0.0.1")));
                Thread accept = new Thread(smtp::acceptLoop, "stalling-smtp");
                accept.setDaemon(true);
                accept.start();
                return smtp;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int port() {
            return server.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        /** The connections Keycloak closed before being released (it gave up waiting). */
        List<Integer> givenUp() {
            return List.copyOf(givenUp);
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    int number = connections.incrementAndGet();
                    sockets.add(socket);
                    Thread watch = new Thread(() -> watch(socket, number), "stalling-smtp-" + number);
                    watch.setDaemon(true);
                    watch.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void watch(Socket socket, int number) {
            try {
                while (socket.getInputStream().read() >= 0) {
                    // Keycloak says nothing before the greeting; anything it sends is ignored.
                }
            } catch (IOException e) {
                // reset by the client, or closed by release()
            }
            if (!released.get()) {
                givenUp.add(number);
            }
        }

        void release() {
            released.set(true);
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }

        @Override
        public void close() {
            release();
            try {
                server.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
