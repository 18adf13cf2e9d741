package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.Tokens;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client's back-channel logout URL that is slow: it accepts the logout request, records the token's sid, and
 * then answers one byte a second (so Keycloak's HTTP client, whose socket timeout counts silence, keeps waiting)
 * until the test {@link #release releases} it. A slow or hostile relying party, on demand.
 */
final class StallingLogoutReceiver implements AutoCloseable {

    private static final Pattern LOGOUT_TOKEN = Pattern.compile("logout_token=([^&\\s]+)");

    private final ServerSocket server;
    private final Thread acceptor;
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch received = new CountDownLatch(1);
    private final List<String> sids = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    private StallingLogoutReceiver(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "stalling-logout-receiver");
        acceptor.setDaemon(true);
    }

    static StallingLogoutReceiver start() throws IOException {
        StallingLogoutReceiver receiver = new StallingLogoutReceiver(
                new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")));
        receiver.acceptor.start();
        return receiver;
    }

    Map<String, Object> clientAttributes() {
        return Map.of("frontchannelLogout", false, "attributes", Map.of(
                "backchannel.logout.url", "http://127.0.0.1:" + server.getLocalPort() + "/backchannel-logout",
                "backchannel.logout.session.required", "true"));
    }

    /** Waits (at most {@code seconds}) until a logout request has arrived; whether one did. */
    boolean awaitRequest(long seconds) throws InterruptedException {
        return received.await(seconds, TimeUnit.SECONDS);
    }

    /** The sids of the logout tokens received so far. */
    List<String> sessionsLoggedOut() {
        return List.copyOf(sids);
    }

    /** Lets every stalled answer finish. */
    void release() {
        released.countDown();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                Thread handler = new Thread(() -> handle(socket), "stalling-logout-request");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket socket) {
        try (socket) {
            String request = readRequest(socket.getInputStream());
            Matcher m = LOGOUT_TOKEN.matcher(request);
            if (m.find()) {
                sids.add(String.valueOf(Tokens.claims(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8)).get("sid")));
            }
            received.countDown();
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nX-Stalling: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // One byte a second; a safety limit of ten minutes so that a forgotten release cannot hang a run.
            for (int i = 0; i < 600 && !released.await(1, TimeUnit.SECONDS); i++) {
                out.write('.');
                out.flush();
            }
            out.write("\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException | InterruptedException e) {
            // Keycloak gave up or the test ended.
        }
    }

    /** The request line, headers and (by Content-Length) body. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        Matcher length = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(headers);
        byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
        return headers + new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        release();
        server.close();
    }
}
