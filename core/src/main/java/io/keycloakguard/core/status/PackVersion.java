package io.keycloakguard.core.status;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The pack's version, as Maven wrote it into the JAR. */
public final class PackVersion {

    private static final String VERSION = load();

    private PackVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = PackVersion.class.getResourceAsStream("/META-INF/keycloak-guard.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
