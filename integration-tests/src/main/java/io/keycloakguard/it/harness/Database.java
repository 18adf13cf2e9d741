package io.keycloakguard.it.harness;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database Keycloak runs on: its dev H2 file by default, or the one {@code KC_DB_URL} names
 * (PostgreSQL or MariaDB, with {@code KC_DB_USERNAME} / {@code KC_DB_PASSWORD}).
 */
public record Database(String vendor, String url, String username, String password, String schema) {

    /** Keycloak's vendor id for a dev H2 file under the server's data directory. */
    public static final String DEV_FILE = "dev-file";

    public static Database fromEnvironment() {
        String url = Settings.get("it.db.url", "KC_DB_URL", null);
        if (url == null) {
            return new Database(DEV_FILE, null, null, null, null);
        }
        String vendor;
        if (url.startsWith("jdbc:postgresql:")) {
            vendor = "postgres";
        } else if (url.startsWith("jdbc:mariadb:")) {
            vendor = "mariadb";
        } else if (url.startsWith("jdbc:mysql:")) {
            vendor = "mysql";
        } else {
            throw new IllegalArgumentException("KC_DB_URL must be a jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql: URL, got " + url);
        }
        String schema = "postgres".equals(vendor) ? Settings.get("it.db.schema", "IT_DB_SCHEMA", "guard_it") : null;
        return new Database(vendor, url, Settings.get(null, "KC_DB_USERNAME", null),
                Settings.get(null, "KC_DB_PASSWORD", ""), schema);
    }

    /** A database of the same server for a second, independent Keycloak. */
    public Database scratch(String name) {
        if (isDevFile()) {
            return this;
        }
        String suffix = "_" + name.replaceAll("[^A-Za-z0-9]", "_");
        if (schema != null) {
            return new Database(vendor, url, username, password, schema + suffix);
        }
        return new Database(vendor, url.replaceFirst("^(jdbc:[a-z]+://[^/]+/[A-Za-z0-9_]+)", "$1" + suffix), username,
                password, null);
    }

    public boolean isDevFile() {
        return DEV_FILE.equals(vendor);
    }

    /**
     * Gives the suite an empty schema of its own, so every run starts from the realm imports and
     * never touches tables it did not create.
     */
    void resetSchema() {
        if ("mariadb".equals(vendor) || "mysql".equals(vendor)) {
            resetDatabase();
            return;
        }
        if (schema == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(url, username, password);
             Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare schema " + schema + " at " + url + ": " + e.getMessage(), e);
        }
    }

    /** MariaDB/MySQL have no schemas inside a database: the database named in the URL is the suite's own. */
    private void resetDatabase() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(jdbc:[a-z]+://[^/]+/)([A-Za-z0-9_]+)(.*)$").matcher(url);
        if (!m.matches()) {
            throw new IllegalStateException("KC_DB_URL must name a database, e.g. jdbc:mariadb://127.0.0.1:3306/guard_it");
        }
        String database = m.group(2);
        try (Connection c = DriverManager.getConnection(m.group(1) + m.group(3), username, password);
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS `" + database + "`");
            st.execute("CREATE DATABASE `" + database + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare database " + database + " at " + url + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return isDevFile() ? "H2 (dev-file)" : vendor + " " + url + (schema == null ? "" : " schema " + schema);
    }
}
