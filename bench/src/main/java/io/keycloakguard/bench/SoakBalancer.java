package io.keycloakguard.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's load balancer: a reverse proxy on 127.0.0.1 in front of the Keycloak nodes, one address for every
 * client as in a deployment (Keycloak builds its issuer and page URLs from the {@code X-Forwarded-*} headers it
 * adds, which the harness Keycloak trusts from 127.0.0.1). Each request goes to the next node in turn (round
 * robin, not sticky: a browser login's pages and its code exchange may land on different nodes).
 * <p>
 * Like a balancer with active health checks, it sends requests only to nodes whose {@code /health/ready} (on
 * the management port) answered 200 at the last check (every 500 ms): a restarting Keycloak accepts
 * connections while it boots and answers them "503 Bootstrap in progress", which no balancer would pass on.
 * When no node is ready it tries them all. A node that does not answer is marked not ready at once and the
 * request is retried on the other node, as a balancer with passive health checks does:
 * a refused connection (the node is down; Keycloak never saw the request) and a connection that died with the
 * request in flight (the node was killed while working on it, or a pooled connection to it had died) are
 * counted here, not as failures. A response that went through such a death carries {@link #RETRIED_AFTER_DEATH}:
 * the dead node may have committed the request before it died.
 */
final class SoakBalancer implements AutoCloseable {

    static final String RETRIED_AFTER_DEATH = "X-Soak-Retried-After-Death";

    /** Hop-by-hop headers, and those Java's HTTP client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "http2-settings", "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");

    /** A node: its base URL (requests) and its management URL (health checks). */
    record Node(String baseUrl, String managementUrl) {
    }

    private final List<Node> nodes;
    private final Map<Node, Boolean> ready = new ConcurrentHashMap<>();
    private final ScheduledExecutorService healthChecks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-balancer-health");
        t.setDaemon(true);
        return t;
    });
    private final HttpServer server;
    private final ExecutorService workers = Executors.newFixedThreadPool(32, r -> {
        Thread t = new Thread(r, "soak-balancer");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong next = new AtomicLong();

    final AtomicLong forwarded = new AtomicLong();
    final AtomicLong refusedByDeadNode = new AtomicLong();
    final AtomicLong diedInFlight = new AtomicLong();
    final AtomicLong noNodeAnswered = new AtomicLong();
    final AtomicLong balancerErrors = new AtomicLong();
    final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();

    SoakBalancer(List<Node> nodes) throws IOException {
        this.nodes = List.copyOf(nodes);
        nodes.forEach(n -> ready.put(n, true));
        healthChecks.scheduleWithFixedDelay(this::checkHealth, 0, 500, TimeUnit.MILLISECONDS);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.createContext("/", this::handle);
        server.setExecutor(workers);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void checkHealth() {
        for (Node node : nodes) {
            boolean up;
            try {
                up = http.send(HttpRequest.newBuilder(URI.create(node.managementUrl() + "/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                up = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ready.put(node, up);
        }
    }

    /** The nodes to try, in order: the ready ones from the next in turn, then the others. */
    private List<Node> order() {
        int first = (int) (next.getAndIncrement() % nodes.size());
        List<Node> readyFirst = new ArrayList<>();
        List<Node> others = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get((first + i) % nodes.size());
            (ready.get(node) ? readyFirst : others).add(node);
        }
        readyFirst.addAll(others);
        return readyFirst;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                relay(exchange);
            } catch (RuntimeException e) {
                balancerErrors.incrementAndGet();
                errors.computeIfAbsent(e.toString(), k -> new AtomicLong()).incrementAndGet();
                exchange.sendResponseHeaders(502, -1);
            }
        }
    }

    private void relay(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        boolean died = false;
        for (Node node : order()) {
            HttpRequest request = forward(exchange, node.baseUrl(), body);
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (ConnectException e) {
                refusedByDeadNode.incrementAndGet();
                ready.put(node, false);
                continue;
            } catch (IOException e) {
                diedInFlight.incrementAndGet();
                ready.put(node, false);
                died = true;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            forwarded.incrementAndGet();
            response.headers().map().forEach((name, values) -> {
                if (!name.startsWith(":") && !NOT_FORWARDED.contains(name.toLowerCase())) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            if (died) {
                exchange.getResponseHeaders().set(RETRIED_AFTER_DEATH, "true");
            }
            // One connection per request: Java's client reused connections the JDK server had already closed,
            // and a POST on such a connection (a browser login's form) failed with no response (~4 % of them).
            exchange.getResponseHeaders().set("Connection", "close");
            byte[] content = response.body();
            exchange.sendResponseHeaders(response.statusCode(), content.length == 0 ? -1 : content.length);
            if (content.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(content);
                }
            }
            return;
        }
        noNodeAnswered.incrementAndGet();
        exchange.sendResponseHeaders(502, -1);
    }

    private HttpRequest forward(HttpExchange exchange, String node, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node + exchange.getRequestURI()))
                .timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase()) && !name.toLowerCase().startsWith("x-forwarded-")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        int port = server.getAddress().getPort();
        return b.header("X-Forwarded-Host", "127.0.0.1:" + port).header("X-Forwarded-Port", String.valueOf(port))
                .header("X-Forwarded-Proto", "http")
                .header("X-Forwarded-For", exchange.getRemoteAddress().getAddress().getHostAddress())
                .build();
    }

    @Override
    public void close() {
        healthChecks.shutdownNow();
        server.stop(0);
        workers.shutdownNow();
    }
}
