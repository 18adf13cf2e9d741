package io.keycloakguard.it.realmconfig;

import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped variant files as text: what may differ between them, no secrets, and every {@code ${GUARD_*}}
 * placeholder documented. (That they import and work is {@link RealmVariantsIT}.)
 */
class RealmFilesTest {

    /** Top-level settings a variant may set differently; everything else must be the same in all of them. */
    private static final Set<String> VARIANT_KEYS = Set.of("realm", "displayName", "sslRequired", "passwordPolicy",
            "eventsExpiration", "browserSecurityHeaders", "defaultRole", "clients", "authenticationFlows",
            "authenticatorConfig", "clientProfiles");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)(:[^}]*)?}");

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docker-compose.yml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path realmFile(Variant v) {
        return repositoryRoot().resolve("realm-config/src/main/resources/realms").resolve(v.file);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void variantsDifferOnlyInTheirVariantSettings() {
        Map<String, Object> dev = new JsonPath(read(realmFile(Variant.DEV))).getMap("");
        for (Variant v : List.of(Variant.STAGING, Variant.PROD)) {
            Map<String, Object> other = new JsonPath(read(realmFile(v))).getMap("");
            assertEquals(new TreeSet<>(dev.keySet()), new TreeSet<>(other.keySet()), v + ": the same settings");
            for (String key : dev.keySet()) {
                if (!VARIANT_KEYS.contains(key)) {
                    assertEquals(dev.get(key), other.get(key), v + ": " + key + " is the same in every variant");
                }
            }
        }
    }

    @Test
    void noSecretsAndNoDefaultsForDeploymentUrlsOutsideDev() {
        for (Variant v : Variant.values()) {
            String text = read(realmFile(v));
            assertFalse(text.contains("\"secret\""), v + ": client secrets are generated at import, never shipped");
            assertFalse(text.contains("\"credentials\""), v + ": no user credentials");
            if (v != Variant.DEV) {
                assertTrue(text.contains("${GUARD_APP_URL}") && !text.contains("${GUARD_APP_URL:"),
                        v + ": the app URL must be given, no default");
                assertTrue(text.contains("${GUARD_API_URL}") && !text.contains("${GUARD_API_URL:"), v + ": API URL");
            }
        }
    }

    @Test
    void everyPlaceholderIsDocumented() {
        String docs = read(repositoryRoot().resolve("docs/realm-config.md"));
        for (Variant v : Variant.values()) {
            Matcher m = PLACEHOLDER.matcher(read(realmFile(v)));
            int found = 0;
            while (m.find()) {
                found++;
                assertTrue(m.group(1).startsWith("GUARD_"), "pack variables start with GUARD_: " + m.group());
                assertTrue(docs.contains("`" + m.group(1) + "`"), m.group(1) + " is documented in docs/realm-config.md");
            }
            assertTrue(found > 0, v + " has placeholders");
        }
    }

    @Test
    void everyFileIsNamedAfterItsRealm() throws IOException {
        // --import-realm refuses to start on a file not named <realm>-realm.json, so the name cannot be a placeholder.
        try (var files = Files.list(repositoryRoot().resolve("realm-config/src/main/resources/realms"))) {
            for (Path file : files.toList()) {
                String realm = new JsonPath(read(file)).getString("realm");
                assertEquals(realm + "-realm.json", file.getFileName().toString());
            }
        }
    }

    /**
     * Exact URIs only: with a wildcard, an open redirect or attacker content anywhere on the app's origin receives a
     * victim's authorization code (docs/app-integration.md). Every shipped realm file, every client.
     */
    @Test
    void noWildcardInAnyRedirectUriPostLogoutUriOrWebOrigin() throws IOException {
        try (var files = Files.list(repositoryRoot().resolve("realm-config/src/main/resources/realms"))) {
            for (Path file : files.toList()) {
                List<Map<String, Object>> clients = new JsonPath(read(file)).getList("clients");
                for (Map<String, Object> client : clients) {
                    String where = file.getFileName() + " " + client.get("clientId");
                    for (String key : List.of("redirectUris", "webOrigins")) {
                        Object values = client.get(key);
                        for (Object value : values == null ? List.of() : (List<?>) values) {
                            assertFalse(String.valueOf(value).contains("*"), where + " " + key + ": " + value);
                        }
                    }
                    Map<?, ?> attributes = (Map<?, ?>) client.get("attributes");
                    Object postLogout = attributes == null ? null : attributes.get("post.logout.redirect.uris");
                    if (postLogout != null) {
                        for (String uri : String.valueOf(postLogout).split("##")) {
                            assertFalse(uri.contains("*") || uri.equals("+"), where + " post-logout redirect URI: " + uri);
                        }
                    }
                }
            }
        }
    }

    /**
     * Keycloak's permanent lockout disables the account (enabled=false) after its temporary lockouts: anyone who knows
     * a username could disable it with paced wrong passwords. The variants lock out temporarily, with a capped wait.
     */
    @Test
    void bruteForceLockoutIsTemporaryWithACappedWait() {
        for (Variant v : Variant.values()) {
            Map<String, Object> realm = new JsonPath(read(realmFile(v))).getMap("");
            assertEquals(true, realm.get("bruteForceProtected"), v + ": bruteForceProtected");
            assertEquals(false, realm.get("permanentLockout"), v + ": no permanent lockout (it disables the user)");
            int maxWait = (Integer) realm.get("maxFailureWaitSeconds");
            assertTrue(maxWait > 0 && maxWait <= 900, v + ": the wait is capped at 15 minutes: " + maxWait);
        }
    }

    @Test
    void blocklistIsLowercaseOnePerLine() {
        List<String> lines = read(repositoryRoot().resolve(
                "realm-config/src/main/resources/password-blacklists/guard-common-passwords.txt")).lines().toList();
        assertTrue(lines.size() > 50);
        for (String line : lines) {
            // Keycloak lower-cases the password before it looks it up.
            assertEquals(line.toLowerCase(java.util.Locale.ROOT), line, "lower case: " + line);
            assertFalse(line.isBlank());
        }
    }
}
