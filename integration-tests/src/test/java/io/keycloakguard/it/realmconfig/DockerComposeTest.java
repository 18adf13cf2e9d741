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
import static org.junit.jupiter.api.Assertions.assertFalse;
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
            if (option.startsWith("--hostname-strict")) {
                continue; // the harness runs on free ports without a hostname; compose sets one (KC_HOSTNAME)
            }
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
            if (option.endsWith("health-check-interval") || option.endsWith("clock-skew")) {
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
    void mountsArePlacesTheHarnessUses() throws IOException {
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

        String blocklists = byTarget.get(KEYCLOAK_HOME + DistributionKeycloak.BLOCKLISTS_DIR);
        assertNotNull(blocklists, "password blocklists mounted: " + volumes);
        assertTrue(Files.isRegularFile(root.resolve(blocklists).resolve("guard-common-passwords.txt")));
    }

    /**
     * One directory per variant is Keycloak's import directory, as realm-config's build wrote it: the chosen variant's
     * file under its own name (the directory import refuses a file not named {@code <realm>-realm.json}), and the
     * demo realm, whose users and clients are for trying things out, in dev only.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theDemoRealmIsImportedForDevOnly() throws IOException {
        List<String> volumes = (List<String>) service("keycloak").get("volumes");
        List<String> imports = volumes.stream()
                .filter(v -> v.contains(":" + KEYCLOAK_HOME + DistributionKeycloak.IMPORT_DIR)).toList();
        assertEquals(1, imports.size(), "one mount into the import directory, chosen by GUARD_ENV: " + volumes);
        String volume = imports.get(0);
        String source = volume.substring(0, volume.indexOf(":/"));
        String target = volume.substring(volume.indexOf(":/") + 1).replaceFirst(":ro$", "");
        assertEquals(KEYCLOAK_HOME + DistributionKeycloak.IMPORT_DIR, target,
                "the whole import directory, so nothing else is imported: " + volume);
        assertTrue(source.contains("${GUARD_ENV:-dev}"), "the directory follows GUARD_ENV (default dev): " + source);
        for (Variant v : Variant.values()) {
            Path dir = root.resolve(source.replace("${GUARD_ENV:-dev}", v.name().toLowerCase(Locale.ROOT))).normalize();
            assertTrue(Files.isDirectory(dir), "realm-config's build wrote " + dir);
            List<String> files;
            try (var list = Files.list(dir)) {
                files = list.map(p -> p.getFileName().toString()).sorted().toList();
            }
            List<String> expected = v == Variant.DEV ? List.of("guard-app-dev-realm.json", "guard-demo-realm.json")
                    : List.of(v.file);
            assertEquals(expected, files, "GUARD_ENV=" + v.name().toLowerCase(Locale.ROOT) + " imports");
            assertEquals(Files.readString(RealmFilesTest.realmFile(v)), Files.readString(dir.resolve(v.file)),
                    "an exact copy of the shipped variant");
        }
    }

    /** Keycloak refuses to create the bootstrap admin without a password: compose must refuse to start first. */
    @Test
    void refusesToStartWithoutAnAdminPassword() {
        Object password = environment().get("KC_BOOTSTRAP_ADMIN_PASSWORD");
        assertTrue(ComposeValue.of(password).required(),
                "KC_BOOTSTRAP_ADMIN_PASSWORD must be ${VAR:?message}, never a default: " + password);
        for (Map.Entry<String, Object> e : environment().entrySet()) {
            if (e.getKey().contains("PASSWORD") && !e.getKey().startsWith("KC_DB")) {
                assertTrue(ComposeValue.of(e.getValue()).required(), e.getKey() + " has no default: " + e.getValue());
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void publishedPortsListenOnLoopbackByDefaultAndTheManagementPortIsNotPublished() {
        for (Map.Entry<String, Object> s : services.entrySet()) {
            List<Object> ports = (List<Object>) ((Map<String, Object>) s.getValue()).get("ports");
            if (ports == null) {
                continue;
            }
            for (Object port : ports) {
                String mapping = String.valueOf(port);
                // host-address:host-port:container-port; without the address Docker listens on every interface.
                Matcher m = Pattern.compile("(\\$\\{[^}]+}|[^:]+):(\\d+):(\\d+)(/tcp)?").matcher(mapping);
                assertTrue(m.matches(), s.getKey() + ": a port published without a host address listens on every interface: "
                        + mapping);
                assertEquals("127.0.0.1", ComposeValue.of(m.group(1)).defaultValue(),
                        s.getKey() + ": published on loopback unless the operator says otherwise: " + mapping);
                assertFalse("9000".equals(m.group(3)), s.getKey() + ": the management port (health, metrics) is not published: "
                        + mapping);
            }
        }
        List<Object> keycloakPorts = (List<Object>) service("keycloak").get("ports");
        assertEquals(1, keycloakPorts.size(), "only the app port: " + keycloakPorts);
        assertTrue(String.valueOf(keycloakPorts.get(0)).endsWith(":8080:8080"), keycloakPorts.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHostnameIsFixedNotTakenFromTheRequest() {
        List<String> command = (List<String>) service("keycloak").get("command");
        assertFalse(command.stream().anyMatch(o -> o.startsWith("--hostname-strict")),
                "every URL would follow the request's Host header: " + command);
        assertFalse(environment().containsKey("KC_HOSTNAME_STRICT"), "KC_HOSTNAME_STRICT");
        ComposeValue hostname = ComposeValue.of(environment().get("KC_HOSTNAME"));
        assertTrue(hostname.required() || hostname.defaultValue().startsWith("http"),
                "KC_HOSTNAME is set (a URL) or required: " + environment().get("KC_HOSTNAME"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void clientAddressesComeFromTheTrustedProxyOnly() {
        Map<String, Object> env = environment();
        String headers = ComposeValue.of(env.get("KC_PROXY_HEADERS")).defaultValue();
        assertTrue("forwarded".equals(headers) || "xforwarded".equals(headers),
                "behind the proxy every client would have the proxy's address: KC_PROXY_HEADERS=" + env.get("KC_PROXY_HEADERS"));
        String trusted = ComposeValue.of(env.get("KC_PROXY_TRUSTED_ADDRESSES")).defaultValue();
        assertFalse(trusted == null || trusted.isBlank(),
                "without trusted addresses any client may set its own address: " + env.get("KC_PROXY_TRUSTED_ADDRESSES"));
        // The default trusts the compose network's gateway (the host, where the proxy runs): the subnet must be fixed.
        Map<String, Object> network = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) readCompose()
                .get("networks")).get("default")).get("ipam");
        String subnet = String.valueOf(((Map<String, Object>) ((List<Object>) network.get("config")).get(0)).get("subnet"));
        for (String address : trusted.split(",")) {
            assertTrue(inSubnet(address.trim(), subnet), address + " is an address of the network " + subnet);
        }
    }

    @Test
    void theStagingAndProdRealmsRequireHttpsByDefault() {
        assertEquals("all", ComposeValue.of(environment().get("GUARD_SSL_REQUIRED")).defaultValue(),
                "GUARD_SSL_REQUIRED: " + environment().get("GUARD_SSL_REQUIRED"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readCompose() {
        try {
            return new Yaml().load(Files.readString(root.resolve("docker-compose.yml")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean inSubnet(String address, String cidr) {
        String[] parts = cidr.split("/");
        long net = ipv4(parts[0]);
        int bits = Integer.parseInt(parts[1]);
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (ipv4(address) & mask) == (net & mask);
    }

    private static long ipv4(String address) {
        long value = 0;
        for (String octet : address.split("\\.")) {
            value = value * 256 + Integer.parseInt(octet);
        }
        return value;
    }

    /** A compose value: literal text, {@code ${VAR:-default}} (or {@code ${VAR-default}}), or {@code ${VAR:?message}}. */
    record ComposeValue(String text) {

        private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(:?[-?])?([^}]*)}");

        static ComposeValue of(Object value) {
            return new ComposeValue(value == null ? null : String.valueOf(value));
        }

        /** Compose stops with the message when the variable is unset or empty. */
        boolean required() {
            Matcher m = text == null ? null : VARIABLE.matcher(text);
            return m != null && m.matches() && ":?".equals(m.group(2)) && !m.group(3).isBlank();
        }

        /** What the value is when no variable is set (null: required or unset). */
        String defaultValue() {
            if (text == null) {
                return null;
            }
            Matcher m = VARIABLE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                if (m.group(2) != null && m.group(2).endsWith("?")) {
                    return null;
                }
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(3)));
            }
            m.appendTail(out);
            return out.toString();
        }
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
    }
}
