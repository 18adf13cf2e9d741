package io.keycloakguard.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The Keycloak release under test: {@code -Dit.keycloak.version} (Maven sets it from the parent POM's
 * {@code keycloak.version}, the one place it is pinned), else the release this harness was built for.
 * Tests use it as their oracle where Keycloak releases differ on purpose (the pack itself never parses
 * versions: it checks capabilities).
 */
public final class KeycloakVersion {

    private static final String BUILT_FOR = builtFor();

    private KeycloakVersion() {
    }

    /** E.g. {@code 26.7.3}. */
    public static String underTest() {
        return Settings.get("it.keycloak.version", null, BUILT_FOR);
    }

    /** Where Maven unpacked the distribution under test ({@code -Dit.keycloak.home}). */
    public static java.nio.file.Path home() {
        return Settings.keycloakHome();
    }

    /** Whether the release under test is {@code version} or later, e.g. {@code atLeast("26.5")}. */
    public static boolean atLeast(String version) {
        return compare(underTest(), version) >= 0;
    }

    /** Compares dotted release numbers part by part; a missing part counts as 0 ({@code 26.5 == 26.5.0}). */
    static int compare(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(part(x, i), part(y, i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int part(String[] parts, int i) {
        if (i >= parts.length) {
            return 0;
        }
        try {
            return Integer.parseInt(parts[i]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String builtFor() {
        try (InputStream in = KeycloakVersion.class.getResourceAsStream("keycloak-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String version = p.getProperty("keycloak.version");
            if (version == null || version.isBlank() || version.startsWith("${")) {
                throw new IllegalStateException("keycloak-version.properties was not filtered by Maven");
            }
            return version.trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
