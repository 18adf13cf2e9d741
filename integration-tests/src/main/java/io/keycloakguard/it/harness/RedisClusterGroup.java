package io.keycloakguard.it.harness;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster on loopback, from the {@code redis-server} on the PATH: three primaries and three replicas
 * ({@code --cluster-enabled yes}, joined by {@code redis-cli --cluster create … --cluster-replicas 1}) with a
 * {@value #NODE_TIMEOUT_MILLIS} ms node timeout, so a killed primary's replica takes over within a few seconds. For
 * tests of the pack and the clients against a sharded Redis and its failover. Nothing is kept on disk.
 */
public final class RedisClusterGroup implements AutoCloseable {

    /** How long a primary may be silent before the others count it as failed and its replica is elected. */
    public static final int NODE_TIMEOUT_MILLIS = 1000;

    private final Path dir;
    private final Map<Integer, Process> servers = new LinkedHashMap<>();

    private RedisClusterGroup(Path dir) {
        this.dir = dir;
    }

    /** Needs {@code redis-server} and {@code redis-cli} on the PATH. */
    public static boolean available() {
        return RedisServers.onPath("redis-server") && RedisServers.onPath("redis-cli");
    }

    public static RedisClusterGroup start(String name) {
        RedisClusterGroup group = new RedisClusterGroup(Settings.workDir().resolve("redis-cluster-" + name));
        try {
            DistributionKeycloak.deleteTree(group.dir);
            Files.createDirectories(group.dir);
            List<Integer> ports = new ArrayList<>();
            // Every data and bus port of the group distinct: a node binds its ports only once it runs, so a port
            // picked for one node's bus could be picked again for a node started after it (seen: "Failed listening
            // on port … (cluster), aborting").
            Set<Integer> picked = new HashSet<>();
            IntSupplier freshPort = () -> {
                int port;
                do {
                    port = FreePorts.next();
                } while (!picked.add(port));
                return port;
            };
            for (int i = 0; i < 6; i++) {
                int port = freshPort.getAsInt();
                ports.add(port);
                List<String> args = RedisServers.dataNode(port, group.dir);
                args.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                        // The bus port is port + 10000 unless set: taken by someone else as often as not.
                        "--cluster-port", String.valueOf(freshPort.getAsInt()),
                        "--cluster-node-timeout", String.valueOf(NODE_TIMEOUT_MILLIS),
                        // A replica cut off from its primary (as the failover tests do) may still take over.
                        "--cluster-replica-validity-factor", "0"));
                group.servers.put(port, RedisServers.launch(group.dir, port, args));
            }
            ports.forEach(port -> FreePorts.awaitListening(port, true, "redis cluster node"));
            group.create(ports);
            Await.until(group::consistent, Duration.ofSeconds(60),
                    "every node of the Redis Cluster sees 3 primaries with a replica each and all slots served");
            return group;
        } catch (IOException e) {
            group.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /** {@code redis-cli --cluster create}: assigns the slots to three nodes and a replica to each. */
    private void create(List<Integer> ports) throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        ports.forEach(p -> command.add("127.0.0.1:" + p));
        command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        Path log = dir.resolve("cluster-create.log");
        Process create = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!create.waitFor(2, TimeUnit.MINUTES) || create.exitValue() != 0) {
                create.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code host:port,…} of every node, as the pack's {@code cluster-nodes} option takes them. */
    public String nodes() {
        return servers.keySet().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public Set<HostAndPort> seeds() {
        Set<HostAndPort> seeds = new LinkedHashSet<>();
        servers.keySet().forEach(p -> seeds.add(new HostAndPort("127.0.0.1", p)));
        return seeds;
    }

    /** A cluster client for the test's own reads (the caller closes it). */
    public RedisClusterClient client() {
        return RedisClusterClient.create(seeds());
    }

    /** A direct connection to one node (the caller closes it). */
    public Jedis connect(int port) {
        return new Jedis("127.0.0.1", port, 2000);
    }

    /** The port of the primary serving {@code key}'s slot now, as the surviving nodes see it. */
    public int primaryFor(String key) {
        int slot = JedisClusterCRC16.getSlot(key);
        for (Node node : topology()) {
            if (node.primary() && node.serves(slot)) {
                return node.port();
            }
        }
        throw new IllegalStateException("no primary serves slot " + slot);
    }

    /** The port of a replica of the primary on {@code primaryPort}. */
    public int replicaOf(int primaryPort) {
        List<Node> nodes = topology();
        String primaryId = nodes.stream().filter(n -> n.port() == primaryPort).findFirst().orElseThrow().id();
        return nodes.stream().filter(n -> primaryId.equals(n.primaryId())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no replica of " + primaryPort)).port();
    }

    /** Whether the surviving nodes count {@code port} as a primary that serves slots and the cluster as healthy. */
    public boolean isServingPrimary(int port) {
        try {
            return topology().stream().anyMatch(n -> n.port() == port && n.primary() && !n.slots().isEmpty())
                    && clusterStateOk();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** SIGKILL: the node dies at once, with whatever it had not sent to its replica. */
    public void kill(int port) {
        RedisServers.kill(servers.get(port), port);
    }

    /** SIGSTOP: a node that keeps its sockets but answers nothing, e.g. a replica that stops receiving writes. */
    public void pause(int port) {
        Signals.pause(servers.get(port));
    }

    /**
     * Closes the replication links of the primary on {@code port}: until its replicas connect again, what it acknowledges
     * stays on it alone (a paused replica would still receive the writes into its socket buffer).
     */
    public void disconnectReplicas(int port) {
        try (Jedis j = connect(port)) {
            j.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                    .type(redis.clients.jedis.args.ClientType.REPLICA));
        }
    }

    public void resume(int port) {
        Signals.resume(servers.get(port));
    }

    private boolean clusterStateOk() {
        for (int port : alive()) {
            try (Jedis j = connect(port)) {
                if (!j.clusterInfo().contains("cluster_state:ok")) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean consistent() {
        try {
            for (int port : alive()) {
                try (Jedis j = connect(port)) {
                    List<Node> nodes = Node.parse(j.clusterNodes());
                    long primaries = nodes.stream().filter(n -> n.primary() && !n.slots().isEmpty()).count();
                    long replicas = nodes.stream().filter(n -> n.primaryId() != null).count();
                    if (primaries != 3 || replicas != 3 || !j.clusterInfo().contains("cluster_state:ok")) {
                        return false;
                    }
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private List<Integer> alive() {
        return servers.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey).toList();
    }

    /** CLUSTER NODES as one of the surviving nodes sees it, without the nodes it counts as failed. */
    private List<Node> topology() {
        for (int port : alive()) {
            try (Jedis j = connect(port)) {
                return Node.parse(j.clusterNodes()).stream().filter(n -> !n.failed()).toList();
            } catch (RuntimeException e) {
                // ask the next one
            }
        }
        throw new IllegalStateException("no cluster node answers");
    }

    /** One line of CLUSTER NODES. */
    private record Node(String id, int port, boolean primary, boolean failed, String primaryId, List<int[]> slots) {

        static List<Node> parse(String clusterNodes) {
            List<Node> nodes = new ArrayList<>();
            for (String line : clusterNodes.split("\n")) {
                String[] f = line.trim().split(" ");
                if (f.length < 8) {
                    continue;
                }
                String address = f[1].split("@")[0];
                int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
                boolean primary = f[2].contains("master");
                boolean failed = f[2].contains("fail") && !f[2].contains("fail?");
                List<int[]> slots = new ArrayList<>();
                for (int i = 8; i < f.length; i++) {
                    if (f[i].startsWith("[")) {
                        continue; // a slot being migrated
                    }
                    String[] range = f[i].split("-");
                    int from = Integer.parseInt(range[0]);
                    slots.add(new int[]{from, range.length > 1 ? Integer.parseInt(range[1]) : from});
                }
                nodes.add(new Node(f[0], port, primary, failed, "-".equals(f[3]) ? null : f[3], slots));
            }
            return nodes;
        }

        boolean serves(int slot) {
            return slots.stream().anyMatch(r -> slot >= r[0] && slot <= r[1]);
        }
    }

    @Override
    public void close() {
        servers.values().forEach(RedisServers::stop);
    }
}
