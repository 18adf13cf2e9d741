package io.keycloakguard.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Several Keycloak nodes with the pack that form one Infinispan cluster ({@code --cache=ispn}, JGroups over
 * loopback, discovery through the database) and share one scratch schema of the suite's PostgreSQL: for
 * tests of what happens when requests for the same user reach different nodes at once.
 * <p>
 * The nodes run on a copy of the distribution of their own ({@code it-work/cluster-home}; the suite's server
 * is built with {@code --cache=local}), rebuilt only when the bundle changed. Node 1 resets the schema and
 * imports the realms; the others start after it is ready. {@link #start} returns once every node is ready
 * and sees a cluster view with all of them. All nodes share the bootstrap admin (created by node 1), Redis
 * and its key prefix of the base options.
 */
public final class KeycloakCluster implements AutoCloseable {

    private static final Duration VIEW_TIMEOUT = Duration.ofMinutes(2);
    /** Infinispan's log line for a new cluster view, e.g. {@code ISPN000094: Received new cluster view for channel ISPN: [a|1] (2) [a, b]}. */
    private static final Pattern CLUSTER_VIEW = Pattern.compile(
            "ISPN00009[34]: Received new(?:, MERGED)? cluster view for channel \\S+: \\[[^\\]]*\\] \\((\\d+)\\)");
    /** JGroups' FD_SOCK2 listens at the transport's bind port + 100 (and up to 2 ports above). */
    private static final int FD_SOCK_OFFSET = 100;
    private static final int FD_SOCK_PORTS = 3;

    private static KeycloakCluster shared;
    private static RuntimeException sharedStartFailure;

    private final List<DistributionKeycloak> nodes = new ArrayList<>();

    private KeycloakCluster() {
    }

    /**
     * The suite's two-node cluster on {@code env}'s options, started on first use (~45 s) and stopped with the
     * suite's Keycloak when the suite ends ({@link GuardEnvironment#stopShared()}): test classes share it, so
     * they create their own realms on it. Guard the test with {@link #supported(Database)}.
     */
    public static synchronized KeycloakCluster shared(GuardEnvironment env) {
        if (sharedStartFailure != null) {
            throw new IllegalStateException("The shared Keycloak cluster failed to start earlier in this run",
                    sharedStartFailure);
        }
        if (shared == null) {
            try {
                shared = start(env.options(), 2);
            } catch (RuntimeException e) {
                sharedStartFailure = e;
                throw e;
            }
        }
        return shared;
    }

    static synchronized void stopShared() {
        if (shared != null) {
            try {
                shared.close();
            } finally {
                shared = null;
            }
        }
    }

    /** Clustering here needs the suite's database to be PostgreSQL (a scratch schema next to the suite's). */
    public static boolean supported(Database db) {
        return "postgres".equals(db.vendor());
    }

    /**
     * Starts {@code nodes} Keycloak nodes with the pack, the Redis (and key prefix), realms, providers and
     * extra arguments of {@code base}, on the scratch schema {@code <schema>_cluster} of base's database.
     */
    public static KeycloakCluster start(KeycloakOptions base, int nodes) {
        return start(base, nodes, "cluster");
    }

    /**
     * Like {@link #start(KeycloakOptions, int)}, on the scratch schema {@code <schema>_<name>} with the logs in
     * {@code it-work/<name>}: a cluster that may run beside the shared one (e.g. with another Redis).
     */
    public static KeycloakCluster start(KeycloakOptions base, int nodes, String name) {
        if (nodes < 1) {
            throw new IllegalArgumentException("A cluster needs at least one node, got " + nodes);
        }
        if (!supported(base.database())) {
            throw new IllegalArgumentException("A Keycloak cluster needs the suite on PostgreSQL (KC_DB_URL), not "
                    + base.database() + "; skip the test unless KeycloakCluster.supported(...)");
        }
        Database database = base.database().scratch(name);
        Path workDir = Settings.workDir().resolve(name);
        String adminPassword = "admin-" + UUID.randomUUID();
        KeycloakCluster cluster = new KeycloakCluster();
        long started = System.nanoTime();
        try {
            Path home = prepareHome();
            for (int i = 1; i <= nodes; i++) {
                KeycloakOptions options = new KeycloakOptions(name + "-node" + i, 0, database, base.redisUrl(),
                        base.redisKeyPrefix(), base.providersDir(), base.realmsDir(), base.extraArgs())
                        .withExtraArgs("--cache-embedded-network-bind-address=127.0.0.1",
                                "--cache-embedded-network-bind-port=" + freeTransportPort());
                DistributionKeycloak node = new DistributionKeycloak(home, workDir, options, adminPassword, true);
                cluster.nodes.add(node);
                // Node 1 builds the distribution if needed, resets the schema and imports the realms.
                node.startProcess(i == 1);
            }
            cluster.awaitClusterView(nodes);
        } catch (IOException e) {
            throw cluster.closeAfter(new UncheckedIOException(e));
        } catch (RuntimeException e) {
            throw cluster.closeAfter(e);
        }
        System.out.printf("[harness] Keycloak cluster of %d nodes ready in %.1f s (%s)%n", nodes,
                (System.nanoTime() - started) / 1e9, database);
        return cluster;
    }

    /** The nodes, node 1 first. */
    public List<DistributionKeycloak> nodes() {
        return List.copyOf(nodes);
    }

    /** Stops the nodes gracefully, last started first. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private RuntimeException closeAfter(RuntimeException failure) {
        try {
            close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    private void awaitClusterView(int size) {
        long deadline = System.nanoTime() + VIEW_TIMEOUT.toNanos();
        while (true) {
            if (nodes.stream().allMatch(node -> lastViewSize(node) == size)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder message = new StringBuilder("The Keycloak cluster did not form a view of " + size
                        + " nodes within " + VIEW_TIMEOUT + ".");
                for (DistributionKeycloak node : nodes) {
                    message.append("\nLast lines of ").append(node.baseUrl()).append(" (view of ")
                            .append(lastViewSize(node)).append("):\n").append(String.join("\n", node.logTail(40)));
                }
                throw new IllegalStateException(message.toString());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the cluster view", e);
            }
        }
    }

    /** The member count of the last cluster view the node logged; 0 before its first. */
    private static int lastViewSize(DistributionKeycloak node) {
        Matcher m = CLUSTER_VIEW.matcher(node.log());
        int size = 0;
        while (m.find()) {
            size = Integer.parseInt(m.group(1));
        }
        return size;
    }

    /** A free loopback port for the JGroups transport whose FD_SOCK2 ports are free as well. */
    private static int freeTransportPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = FreePorts.next();
            if (port + FD_SOCK_OFFSET + FD_SOCK_PORTS > 65535) {
                continue;
            }
            boolean free = true;
            for (int i = 0; i < FD_SOCK_PORTS && free; i++) {
                free = FreePorts.isFree(port + FD_SOCK_OFFSET + i);
            }
            if (free) {
                return port;
            }
        }
        throw new IllegalStateException("No free loopback port for the cluster transport");
    }

    /**
     * The cluster's own copy of the suite's distribution, made again when that one changed (a new unpack).
     * The jars of lib/lib, which no build rewrites, are hard links where the file system allows; the build
     * itself (providers, lib/quarkus) is {@link DistributionKeycloak}'s, with its marker in the copy.
     */
    private static Path prepareHome() throws IOException {
        Path source = Settings.keycloakHome();
        Path home = Settings.workDir().resolve("cluster-home");
        if (!Files.isExecutable(source.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("No Keycloak distribution at " + source
                    + "; run the tests through Maven (./mvnw verify), which unpacks it");
        }
        Path version = source.resolve("version.txt");
        String fingerprint = source + "\n"
                + (Files.exists(version) ? Files.readString(version).trim() : "") + "\n"
                + Files.getLastModifiedTime(source.resolve("bin/kc.sh")).toMillis() + "\n";
        Path marker = home.resolve(".guard-copy");
        if (Files.exists(marker) && Files.readString(marker).equals(fingerprint)) {
            return home;
        }
        System.out.printf("[harness] Copying the Keycloak distribution to %s%n", home);
        DistributionKeycloak.deleteTree(home);
        Path libs = source.resolve("lib/lib");
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path relative = source.relativize(p);
                Path target = home.resolve(relative.toString());
                if (skipInCopy(relative)) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (p.startsWith(libs)) {
                    try {
                        Files.createLink(target, p);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.writeString(marker, fingerprint);
        return home;
    }

    /** The suite server's state: its data (H2, imports, temp files), providers and build marker. */
    private static boolean skipInCopy(Path relative) {
        String first = relative.getNameCount() == 0 ? "" : relative.getName(0).toString();
        return first.equals("data") || first.equals(".guard-build")
                || (first.equals("providers") && relative.getNameCount() > 1);
    }
}
