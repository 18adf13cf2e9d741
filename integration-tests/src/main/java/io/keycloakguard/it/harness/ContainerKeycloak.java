package io.keycloakguard.it.harness;

import dasniko.testcontainers.keycloak.KeycloakContainer;
import org.testcontainers.Testcontainers;
import org.testcontainers.utility.MountableFile;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The opt-in backend for machines with a Docker engine ({@code -Dit.keycloak=container}): the official
 * Keycloak image through testcontainers-keycloak, with the same bundle, realms and pack options.
 * Only dev H2 is supported here; Redis is reached through Testcontainers' host access.
 */
public final class ContainerKeycloak implements KeycloakServer {

    private final KeycloakContainer container;

    private ContainerKeycloak(KeycloakContainer container) {
        this.container = container;
    }

    public static ContainerKeycloak start(KeycloakOptions options) {
        URI redis = URI.create(options.redisUrl());
        Testcontainers.exposeHostPorts(redis.getPort());
        String redisInContainer = redis.getScheme() + "://host.testcontainers.internal:" + redis.getPort();
        KeycloakOptions inContainer = new KeycloakOptions(options.name(), options.httpPort(), options.database(),
                redisInContainer, options.redisKeyPrefix(), options.providersDir(), options.realmsDir(),
                options.extraArgs());

        KeycloakContainer container = new KeycloakContainer(
                "quay.io/keycloak/keycloak:" + KeycloakVersion.underTest())
                .withProviderLibsFrom(jars(options.providersDir()))
                .withAccessToHost(true)
                .withEnabledMetrics();
        for (Path realm : files(options.realmsDir(), ".json")) {
            container.withCopyFileToContainer(MountableFile.forHostPath(realm),
                    "/opt/keycloak/data/import/" + realm.getFileName());
        }
        Path blocklists = options.realmsDir().resolveSibling("password-blacklists");
        if (java.nio.file.Files.isDirectory(blocklists)) {
            for (Path list : files(blocklists, ".txt")) {
                container.withCopyFileToContainer(MountableFile.forHostPath(list),
                        "/opt/keycloak/" + DistributionKeycloak.BLOCKLISTS_DIR + "/" + list.getFileName());
            }
        }
        RealmEnvironment.variables().forEach(container::withEnv);
        List<String> args = new ArrayList<>(List.of("--import-realm"));
        args.addAll(inContainer.guardArgs());
        args.addAll(options.extraArgs());
        container.withCustomCommand(String.join(" ", args));
        container.start();
        return new ContainerKeycloak(container);
    }

    @Override
    public String baseUrl() {
        return container.getAuthServerUrl().replaceAll("/$", "");
    }

    @Override
    public String managementUrl() {
        return container.getMgmtServerUrl().replaceAll("/$", "");
    }

    /** A container's restart would lose the dev H2 data this backend keeps inside it. */
    @Override
    public void killAndRestart() {
        throw new org.opentest4j.TestAbortedException("the container backend cannot kill and restart Keycloak on the same data");
    }

    @Override
    public String adminUsername() {
        return container.getAdminUsername();
    }

    @Override
    public String adminPassword() {
        return container.getAdminPassword();
    }

    @Override
    public String log() {
        return container.getLogs();
    }

    @Override
    public void close() {
        container.stop();
    }

    private static List<File> jars(Path dir) {
        return files(dir, ".jar").stream().map(Path::toFile).toList();
    }

    private static List<Path> files(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
