package io.keycloakguard.it.sessionlimits;

import com.sun.net.httpserver.HttpServer;
import io.keycloakguard.it.harness.Tokens;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A client's back-channel logout endpoint: records the sid of every logout token it receives. */
final class LogoutReceiver implements AutoCloseable {
    private static final Pattern LOGOUT_TOKEN = Pattern.compile("logout_token=([^&]+)");
    private final HttpServer server;
    private final List<String> sids = Collections.synchronizedList(new ArrayList<>());

    private LogoutReceiver(HttpServer server) {
        this.server = server;
    }

    static LogoutReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        LogoutReceiver receiver = new LogoutReceiver(server);
        server.createContext("/backchannel-logout", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = LOGOUT_TOKEN.matcher(body);
            if (m.find()) {
                Object sid = Tokens.claims(java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8)).get("sid");
                receiver.sids.add(String.valueOf(sid));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return receiver;
    }

    Map<String, Object> clientAttributes() {
        return Map.of("frontchannelLogout", false, "attributes", Map.of(
                "backchannel.logout.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/backchannel-logout",
                "backchannel.logout.session.required", "true"));
    }

    List<String> sessionsLoggedOut() {
        return List.copyOf(sids);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
