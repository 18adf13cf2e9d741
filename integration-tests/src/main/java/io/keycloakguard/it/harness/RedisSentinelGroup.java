package io.keycloakguard.it.harness;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisSentinelClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real Redis Sentinel setup on loopback, from the {@code redis-server} on the PATH: a primary, a replica and three
 * sentinels watching master {@value #MASTER} with a quorum of two and a one-second down-after. For tests of what
 * the pack and the clients do when the primary fails over. Processes can be paused (SIGSTOP: a replica that stops
 * receiving writes), resumed and killed (SIGKILL).
 */
public final class RedisSentinelGroup implements AutoCloseable {

    public static final String MASTER = "guardmaster";

    private final Path dir;
    private final Map<Integer, Process> servers = new LinkedHashMap<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private final int firstPrimary;
    private final int firstReplica;

    private RedisSentinelGroup(Path dir, int primary, int replica) {
        this.dir = dir;
        this.firstPrimary = primary;
        this.firstReplica = replica;
    }

    public static boolean available() {
        return ProcessRedis.onPath();
    }

    public static RedisSentinelGroup start(String name) {
        int primary = FreePorts.next();
        int replica = FreePorts.next();
        RedisSentinelGroup group = new RedisSentinelGroup(Settings.workDir().resolve("sentinel-" + name), primary, replica);
        try {
            DistributionKeycloak.deleteTree(group.dir);
            Files.createDirectories(group.dir);
            group.server(primary, List.of());
            group.server(replica, List.of("--replicaof", "127.0.0.1", String.valueOf(primary)));
            Await.until(() -> group.replicaInSync(primary), Duration.ofSeconds(30), "the replica syncs with the primary");
            for (int i = 0; i < 3; i++) {
                int port = FreePorts.next();
                Path conf = group.dir.resolve("sentinel-" + port + ".conf");
                Files.writeString(conf, String.join("\n",
                        "port " + port,
                        "bind 127.0.0.1",
                        "dir " + group.dir,
                        "sentinel resolve-hostnames no",
                        "sentinel monitor " + MASTER + " 127.0.0.1 " + primary + " 2",
                        "sentinel down-after-milliseconds " + MASTER + " 1000",
                        "sentinel failover-timeout " + MASTER + " 10000",
                        "sentinel parallel-syncs " + MASTER + " 1", ""));
                group.servers.put(port, RedisServers.launch(group.dir, port, List.of(conf.toString(), "--sentinel")));
                group.waitListening(port, true);
                group.sentinelPorts.add(port);
            }
            Await.until(() -> group.sentinelsKnowTheReplica(), Duration.ofSeconds(30), "every sentinel sees the replica");
            return group;
        } catch (IOException e) {
            group.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
    }

    private void server(int port, List<String> extra) {
        List<String> args = RedisServers.dataNode(port, dir);
        args.addAll(extra);
        servers.put(port, RedisServers.launch(dir, port, args));
        waitListening(port, true);
    }

    public int firstPrimaryPort() {
        return firstPrimary;
    }

    public int firstReplicaPort() {
        return firstReplica;
    }

    /** {@code host:port,host:port,…} of the sentinels, as the pack's {@code sentinels} option takes them. */
    public String sentinels() {
        return sentinelPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public List<HostAndPort> sentinelAddresses() {
        return sentinelPorts.stream().map(p -> new HostAndPort("127.0.0.1", p)).toList();
    }

    /** A Keycloak's options with the pack connected to this group through its sentinels ({@code mode=sentinel}). */
    public KeycloakOptions keycloakOptions(String name, Database database, String keyPrefix) {
        return KeycloakOptions.defaults(name, database, "redis://127.0.0.1:" + firstPrimary, keyPrefix)
                .withExtraArgs("--spi-guard-redis--default--mode=sentinel",
                        "--spi-guard-redis--default--sentinel-master=" + MASTER,
                        "--spi-guard-redis--default--sentinels=" + sentinels());
    }

    /** A client for the test's own reads that follows the sentinels to the current primary (the caller closes it). */
    public RedisSentinelClient client() {
        return RedisSentinelClient.builder().masterName(MASTER).sentinels(new LinkedHashSet<>(sentinelAddresses())).build();
    }

    /** The port the sentinels name as the primary now. */
    public int currentPrimaryPort() {
        for (int port : sentinelPorts) {
            try (Jedis sentinel = new Jedis("127.0.0.1", port, 1000)) {
                return Integer.parseInt(sentinel.sentinelGetMasterAddrByName(MASTER).get(1));
            } catch (RuntimeException e) {
                // ask the next one
            }
        }
        throw new IllegalStateException("no sentinel answers");
    }

    /** A direct connection to one server of the group (the caller closes it). */
    public Jedis connect(int port) {
        return new Jedis("127.0.0.1", port, 2000);
    }

    /** SIGSTOP: the process keeps its sockets but does nothing, e.g. a replica that stops receiving writes. */
    public void pause(int port) {
        Signals.pause(servers.get(port));
    }

    /** The primary closes its replication links (a replica that is paused cannot reconnect until resumed). */
    public void disconnectReplicas(int primary) {
        try (Jedis j = connect(primary)) {
            j.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                    .type(redis.clients.jedis.args.ClientType.REPLICA));
        }
    }

    public void resume(int port) {
        Signals.resume(servers.get(port));
    }

    /** SIGKILL: the process dies at once, losing whatever it had not sent to its replica. */
    public void kill(int port) {
        RedisServers.kill(servers.get(port), port);
    }

    private boolean replicaInSync(int primary) {
        try (Jedis j = connect(primary)) {
            return j.info("replication").contains("slave0:") && j.info("replication").contains("state=online");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean sentinelsKnowTheReplica() {
        for (int port : sentinelPorts) {
            try (Jedis sentinel = new Jedis("127.0.0.1", port, 1000)) {
                if (sentinel.sentinelReplicas(MASTER).isEmpty()) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    private void waitListening(int port, boolean listening) {
        FreePorts.awaitListening(port, listening, "redis");
    }

    @Override
    public void close() {
        servers.values().forEach(RedisServers::stop);
    }
}
