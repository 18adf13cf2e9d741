package io.keycloakguard.it.realmconfig;

import io.keycloakguard.it.harness.Database;
import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.RealmEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml (no Docker engine runs here): its structure, and that its Keycloak gets the options, pack
 * settings and file locations the harness starts Keycloak with.
 */
class DockerComposeTest {

    private static final String KEYCLOAK_HOME = "/opt/keycloak/";
    private static Path root;
    private static Map<String, Object> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        root = RealmFilesTest.repositoryRoot();
        Map<String, Object> compose = new Yaml().load(Files.readString(root.resolve("docker-compose.yml")));
        services = (Map<String, Object>) compose.get("services");
        assertNotNull(services, "services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        Map<String, Object> s = (Map<String, Object>) services.get(name);
        assertNotNull(s, "service " + name);
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment() {
        return (Map<String, Object>) service("keycloak").get("environment");
    }

    @Test
    void keycloakIsTheVersionTheHarnessTests() throws IOException {
        // The parent POM's keycloak.version, not a -Dkeycloak.version a compatibility run passes: compose
        // ships the default release.
        Matcher pinned = Pattern.compile("<keycloak\\.version>([^<]+)</keycloak\\.version>")
                .matcher(Files.readString(root.resolve("pom.xml")));
        assertTrue(pinned.find(), "keycloak.version in the parent POM");
        assertEquals("quay.io/keycloak/keycloak:" + pinned.group(1), service("keycloak").get("image"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void keycloakOptionsMatchTheHarness() {
        List<String> command = (List<String>) service("keycloak").get("command");
        assertEquals("start", command.get(0));
        assertTrue(command.contains("--import-realm"), "imports the realms at start: " + command);
        for (String option : DistributionKeycloak.START_OPTIONS) {
            assertTrue(command.contains(option), option + " in " + command);
        }
        for (String option : DistributionKeycloak.SINGLE_NODE_BUILD_OPTIONS) {
            assertTrue(command.contains(option), "build option " + option + " in " + command);
        }
        Map<String, Object> env = environment();
        assertEquals("postgres", env.get("KC_DB"), "PostgreSQL, a database the harness runs the suite on (KC_DB_URL=jdbc:postgresql:...)");
        assertTrue(String.valueOf(env.get("KC_DB_URL")).startsWith("jdbc:postgresql://postgres:5432/"), "KC_DB_URL");
    }

    @Test
    void packOptionsMatchTheHarness() {
        Map<String, Object> env = environment();
        KeycloakOptions harness = KeycloakOptions.defaults("compose-check", new Database(Database.DEV_FILE, null, null, null, null),
                "redis://redis:6379", "kcguard:");
        List<String> missing = new ArrayList<>();
        for (String arg : harness.guardArgs()) {
            String option = arg.substring(2, arg.indexOf('='));
            if (option.endsWith("health-check-interval")) {
                continue; // shortened for the tests only; the pack's default suits a deployment
            }
            if (!env.containsKey(envName(option))) {
                missing.add(envName(option) + " (" + option + ")");
            }
        }
        assertTrue(missing.isEmpty(), "pack options the harness sets but compose does not: " + missing);
        assertEquals("redis://redis:6379", env.get("KC_SPI_GUARD_REDIS__DEFAULT__URL"));
    }

    /** Keycloak's mapping of an option to an environment variable: upper case, '-' to '_' (so '--' to '__'). */
    static String envName(String option) {
        return "KC_" + option.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Test
    @SuppressWarnings("unchecked")
    void mountsArePlacesTheHarnessUses() {
        List<String> volumes = (List<String>) service("keycloak").get("volumes");
        Map<String, String> byTarget = new java.util.LinkedHashMap<>();
        for (String volume : volumes) {
            // source:target[:ro]; the source may hold ${VAR:-default}, the target starts with '/'
            int split = volume.indexOf(":/");
            String target = volume.substring(split + 1).replaceFirst(":ro$", "");
            byTarget.put(target, volume.substring(0, split));
        }
        String bundle = byTarget.entrySet().stream()
                .filter(e -> e.getKey().startsWith(KEYCLOAK_HOME + DistributionKeycloak.PROVIDERS_DIR + "/"))
                .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("no bundle in providers/: " + volumes));
        String version = System.getProperty("project.version", "0.1.0-SNAPSHOT");
        assertEquals("./bundle/target/keycloak-guard-" + version + ".jar", bundle);
        assertTrue(Files.exists(root.resolve(bundle)), "the bundle the reactor built: " + bundle);

        List<String> imports = byTarget.entrySet().stream()
                .filter(e -> e.getKey().startsWith(KEYCLOAK_HOME + DistributionKeycloak.IMPORT_DIR + "/"))
                .map(Map.Entry::getValue).toList();
        assertEquals(2, imports.size(), "the chosen app variant and the demo realm: " + imports);
        byTarget.forEach((target, source) -> {
            if (target.startsWith(KEYCLOAK_HOME + DistributionKeycloak.IMPORT_DIR + "/")) {
                // Keycloak's directory import refuses a file not named <realm>-realm.json.
                assertEquals(Path.of(source).getFileName(), Path.of(target).getFileName(), "imported under its own name");
            }
        });
        String variantSource = imports.get(0);
        for (Variant v : Variant.values()) {
            String chosen = variantSource.replace("${GUARD_ENV:-dev}", v.name().toLowerCase(Locale.ROOT));
            assertEquals(RealmFilesTest.realmFile(v), root.resolve(chosen).normalize(), "GUARD_ENV=" + v);
        }
        assertTrue(Files.isRegularFile(root.resolve(imports.get(1))), imports.get(1));

        String blocklists = byTarget.get(KEYCLOAK_HOME + DistributionKeycloak.BLOCKLISTS_DIR);
        assertNotNull(blocklists, "password blocklists mounted: " + volumes);
        assertTrue(Files.isRegularFile(root.resolve(blocklists).resolve("guard-common-passwords.txt")));
    }

    @Test
    void everyVariablePlaceholderWithoutDefaultIsSet() throws IOException {
        Map<String, Object> env = environment();
        Pattern required = Pattern.compile("\\$\\{(GUARD_[A-Z0-9_]+)}");
        for (Variant v : Variant.values()) {
            Matcher m = required.matcher(Files.readString(RealmFilesTest.realmFile(v)));
            while (m.find()) {
                assertTrue(env.containsKey(m.group(1)), v + ": compose sets " + m.group(1));
                assertTrue(RealmEnvironment.variables().containsKey(m.group(1)), v + ": the harness sets " + m.group(1));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthChecksAndPorts() {
        for (String name : List.of("postgres", "redis", "keycloak")) {
            Map<String, Object> check = (Map<String, Object>) service(name).get("healthcheck");
            assertNotNull(check, name + " has a health check");
            assertNotNull(check.get("test"), name);
        }
        Map<String, Object> dependsOn = (Map<String, Object>) service("keycloak").get("depends_on");
        for (String name : List.of("postgres", "redis")) {
            assertEquals("service_healthy", ((Map<String, Object>) dependsOn.get(name)).get("condition"));
        }
        String keycloakCheck = String.valueOf(((Map<String, Object>) service("keycloak").get("healthcheck")).get("test"));
        assertTrue(keycloakCheck.contains("9000") && keycloakCheck.contains("/health/ready"), keycloakCheck);
        List<String> ports = (List<String>) service("keycloak").get("ports");
        assertTrue(ports.contains("8080:8080") && ports.contains("9000:9000"), "app and management ports: " + ports);
    }
}
