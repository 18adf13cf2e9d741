package io.keycloakguard.it.docs;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docs promise that every option of every provider is in docs/admin-guide.md, and that the migration guide
 * covers every variable and feature of the old service. The options come from the running Keycloak: the
 * config descriptions it serves for the pack's authenticators and the component types (client-policy executors)
 * of its server info. Server options (event listeners' and the pack's own SPIs') are not served over REST, so
 * they come from the same bundle JAR the harness installed, read with Keycloak's own libraries.
 */
@ExtendWith(KeycloakGuardExtension.class)
class AdminGuideCoversEveryOptionIT {

    private static final String REALM = "master";
    private static final String PACK_PREFIX = "guard-";

    /** Providers the pack has today: the test must at least find these, so it cannot pass by finding nothing. */
    private static final Set<String> KNOWN_REALM_PROVIDERS = Set.of("guard-session-limit", "guard-condition-new-device",
            "guard-device-recorder", "guard-ip-policy", "guard-ip-rate-limit", "guard-ip-rate-limited-password-form",
            "guard-network-binding");

    private static final List<String> OLD_ENVIRONMENT = List.of("JWT_SECRET_KEY", "REDIS_URL",
            "ACCESS_TOKEN_EXPIRE_MINUTES", "REFRESH_TOKEN_EXPIRE_DAYS", "MAX_CONCURRENT_SESSIONS",
            "SESSION_TIMEOUT_MINUTES");

    private static final List<String> OLD_FEATURES = List.of("Token endpoints", "Refresh", "Logout and revocation",
            "2FA setup, TOTP and backup codes", "Sessions", "Audit", "User-table fields for MFA and lockout",
            "Environment variables", "Importing users and TOTP secrets", "Running both side by side", "Rollback");

    @Test
    void everyOptionOfEveryRealmProviderIsInTheAdminGuide(GuardEnvironment env) throws IOException {
        Map<String, List<String>> options = realmProviderOptions(env);
        assertTrue(options.keySet().containsAll(KNOWN_REALM_PROVIDERS),
                "Keycloak lists only these pack providers: " + options.keySet());
        assertTrue(options.values().stream().mapToInt(List::size).sum() >= 30, "too few options found: " + options);

        Set<String> missing = DocSections.missingOptions(read("admin-guide.md"), options);
        assertEquals(Set.of(), missing, "options missing from docs/admin-guide.md (provider: option)");
    }

    @Test
    void everyServerOptionOfThePackIsInTheAdminGuide(GuardEnvironment env) throws Exception {
        Map<String, List<String>> options = serverOptions();
        // The JAR read here is the one Keycloak runs: every pack provider it lists is one Keycloak loaded.
        Set<String> loaded = loadedPackProviders(env);
        assertTrue(loaded.containsAll(options.keySet()), "not loaded by Keycloak: " + options.keySet() + " vs " + loaded);
        assertTrue(options.keySet().containsAll(Set.of("guard-redis", "guard-outbox", "guard-revocation")),
                "server options found only for " + options.keySet());

        Set<String> missing = DocSections.missingOptions(read("admin-guide.md"), options);
        assertEquals(Set.of(), missing, "server options missing from docs/admin-guide.md (provider: option)");
    }

    /** The check itself: a copy of the guide without one option (or one heading) is reported, by name. */
    @Test
    void aGuideWithoutAnOptionIsReported(GuardEnvironment env) throws IOException {
        Map<String, List<String>> options = realmProviderOptions(env);
        String guide = read("admin-guide.md");
        List<String> sessionLimitOptions = options.get("guard-session-limit");
        String dropped = sessionLimitOptions.get(sessionLimitOptions.size() - 1);

        Set<String> missing = DocSections.missingOptions(DocSections.without(guide, dropped), options);
        assertTrue(missing.contains("guard-session-limit: " + dropped), missing.toString());

        String noSection = guide.replace("(`guard-network-binding`", "(network binding");
        assertTrue(DocSections.missingOptions(noSection, options).stream()
                .anyMatch(m -> m.startsWith("guard-network-binding: (no section")), "a provider without a section passed");

        String migration = read("migration.md");
        assertTrue(missingMigrationTopics(migration.replace("## Rollback", "## Going back")).contains("feature: Rollback"));
        assertTrue(missingMigrationTopics(migration.replace("SESSION_TIMEOUT_MINUTES", "SESSION_TIMEOUT"))
                .contains("variable: SESSION_TIMEOUT_MINUTES"));
    }

    @Test
    void theMigrationGuideCoversEveryVariableAndFeatureOfTheOldService() throws IOException {
        assertEquals(List.of(), missingMigrationTopics(read("migration.md")), "missing from docs/migration.md");
    }

    private static List<String> missingMigrationTopics(String migration) {
        List<String> missing = new ArrayList<>();
        List<String> headings = DocSections.headings(migration);
        OLD_FEATURES.stream().filter(f -> !headings.contains(f)).forEach(f -> missing.add("feature: " + f));
        // Each variable needs its own row in the table of the "Environment variables" section.
        String variables = String.join("\n", DocSections.sectionsNamingHeading(migration, "Environment variables"));
        OLD_ENVIRONMENT.stream().filter(v -> !variables.contains("| `" + v + "` |")).forEach(v -> missing.add("variable: " + v));
        return missing;
    }

    /** Config properties of every `guard-` authenticator, form action, client authenticator and component type. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> realmProviderOptions(GuardEnvironment env) {
        Map<String, List<String>> options = new TreeMap<>();
        for (String list : List.of("authenticator-providers", "form-action-providers", "client-authenticator-providers")) {
            List<Map<String, Object>> providers = env.admin().request()
                    .get("/admin/realms/" + REALM + "/authentication/" + list).then().statusCode(200).extract().as(List.class);
            for (Map<String, Object> provider : providers) {
                String id = (String) provider.get("id");
                if (!id.startsWith(PACK_PREFIX)) {
                    continue;
                }
                Map<String, Object> description = env.admin().request()
                        .get("/admin/realms/" + REALM + "/authentication/config-description/" + id)
                        .then().statusCode(200).extract().as(Map.class);
                options.put(id, names((List<Map<String, Object>>) description.get("properties")));
            }
        }
        Map<String, List<Map<String, Object>>> componentTypes = env.admin().request().get("/admin/serverinfo")
                .then().statusCode(200).extract().path("componentTypes");
        componentTypes.forEach((type, components) -> components.stream()
                .filter(c -> ((String) c.get("id")).startsWith(PACK_PREFIX))
                .forEach(c -> options.merge((String) c.get("id"), names((List<Map<String, Object>>) c.get("properties")),
                        (a, b) -> Stream.concat(a.stream(), b.stream()).distinct().toList())));
        return options;
    }

    private static List<String> names(List<Map<String, Object>> properties) {
        return properties == null ? List.of() : properties.stream().map(p -> (String) p.get("name")).toList();
    }

    /** Ids of the pack's providers Keycloak loaded, and the pack's SPIs: what server info lists. */
    @SuppressWarnings("unchecked")
    private static Set<String> loadedPackProviders(GuardEnvironment env) {
        Map<String, Map<String, Object>> spis = env.admin().request().get("/admin/serverinfo")
                .then().statusCode(200).extract().path("providers");
        Set<String> loaded = new TreeSet<>();
        spis.forEach((spi, info) -> {
            if (spi.startsWith(PACK_PREFIX)) {
                loaded.add(spi);
            }
            ((Map<String, Object>) info.get("providers")).keySet().stream()
                    .filter(id -> id.startsWith(PACK_PREFIX)).forEach(loaded::add);
        });
        return loaded;
    }

    /**
     * getConfigMetadata() of every provider factory in the installed bundle, keyed by the factory's id, or by its
     * SPI's name for the pack's own SPIs (whose providers are all called "default").
     */
    private static Map<String, List<String>> serverOptions() throws Exception {
        Path bundle = bundleJar();
        List<URL> urls = new ArrayList<>();
        urls.add(bundle.toUri().toURL());
        // Keycloak's libraries as the distribution ships them (boot: logging and the Quarkus runner; main: the rest).
        for (String dir : List.of("lib/lib/boot", "lib/lib/main")) {
            try (Stream<Path> jars = Files.list(keycloakHome().resolve(dir))) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                    urls.add(jar.toUri().toURL());
                }
            }
        }
        Map<String, List<String>> options = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
             JarFile jar = new JarFile(bundle.toFile())) {
            Class<?> spiType = loader.loadClass("org.keycloak.provider.Spi");
            Class<?> factoryType = loader.loadClass("org.keycloak.provider.ProviderFactory");
            Map<Class<?>, String> packSpis = new java.util.HashMap<>();
            for (String name : services(jar, "org.keycloak.provider.Spi")) {
                Object spi = loader.loadClass(name).getDeclaredConstructor().newInstance();
                packSpis.put((Class<?>) spiType.getMethod("getProviderFactoryClass").invoke(spi),
                        (String) spiType.getMethod("getName").invoke(spi));
            }
            Set<String> factories = new LinkedHashSet<>();
            jar.stream().map(JarEntry::getName).filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/"))
                    .forEach(n -> factories.addAll(services(jar, n.substring("META-INF/services/".length()))));
            for (String name : factories) {
                Class<?> type = loader.loadClass(name);
                if (!factoryType.isAssignableFrom(type) || type.isInterface()) {
                    continue;
                }
                try {
                    Object factory = type.getDeclaredConstructor().newInstance();
                    String id = (String) factoryType.getMethod("getId").invoke(factory);
                    String key = packSpis.entrySet().stream().filter(e -> e.getKey().isAssignableFrom(type))
                            .map(Map.Entry::getValue).findFirst().orElse(id);
                    List<?> metadata = (List<?>) factoryType.getMethod("getConfigMetadata").invoke(factory);
                    if (metadata == null || metadata.isEmpty()) {
                        continue;
                    }
                    List<String> names = new ArrayList<>();
                    for (Object property : metadata) {
                        names.add((String) property.getClass().getMethod("getName").invoke(property));
                    }
                    options.put(key, names);
                } catch (ReflectiveOperationException | LinkageError e) {
                    failures.add(name + ": " + (e.getCause() != null ? e.getCause() : e));
                }
            }
        }
        assertEquals(List.of(), failures, "factories of the bundle that could not be asked for their options");
        return options;
    }

    private static List<String> services(JarFile jar, String service) {
        JarEntry entry = jar.getJarEntry("META-INF/services/" + service);
        if (entry == null) {
            return List.of();
        }
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path bundleJar() throws IOException {
        Path dir = Paths.get(System.getProperty("it.providers.dir", "target/guard-providers")).toAbsolutePath();
        try (Stream<Path> files = Files.list(dir)) {
            Collection<Path> jars = files.filter(p -> p.toString().endsWith(".jar")).toList();
            assertEquals(1, jars.size(), "one bundle JAR expected in " + dir + ": " + jars);
            return jars.iterator().next();
        }
    }

    private static Path keycloakHome() {
        return KeycloakVersion.home();
    }

    private static String read(String page) throws IOException {
        Path docs = Paths.get(System.getProperty("it.docs.dir", "../docs")).toAbsolutePath().normalize();
        return Files.readString(docs.resolve(page));
    }
}
