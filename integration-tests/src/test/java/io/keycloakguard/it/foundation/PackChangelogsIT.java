package io.keycloakguard.it.foundation;

import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import io.keycloakguard.it.harness.KeycloakOptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every Liquibase changelog in the bundle applies cleanly, twice (the second run changes nothing), on H2,
 * PostgreSQL and MariaDB, with the Liquibase version Keycloak 26.7 runs them with. The suite's Keycloak
 * applies them on its own database too; this covers the other two in every run. PostgreSQL and MariaDB are
 * skipped when not reachable (a machine with only a JDK).
 */
class PackChangelogsIT {

    static final Pattern CHANGELOG = Pattern.compile("META-INF/keycloak-guard[a-z-]*-changelog\\.xml");
    static final List<String> TABLES = List.of("GUARD_OUTBOX", "GUARD_REVOCATION", "GUARD_USER_LOCK",
            "GUARD_SESSION_RESERVATION", "GUARD_DEVICE", "GUARD_LOGIN_HISTORY");

    @Test
    void onH2() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:guard-changelogs;DB_CLOSE_DELAY=-1")) {
            applyTwiceAndCheck(c, null);
        }
    }

    @Test
    void onPostgreSql() throws Exception {
        Connection c = connect("jdbc:postgresql://127.0.0.1:5432/test", "postgres");
        assumeTrue(c != null, "no PostgreSQL on 127.0.0.1:5432");
        try (c; Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS guard_changelogs CASCADE");
            s.execute("CREATE SCHEMA guard_changelogs");
            applyTwiceAndCheck(c, "guard_changelogs");
            s.execute("DROP SCHEMA guard_changelogs CASCADE");
        }
    }

    @Test
    void onMariaDb() throws Exception {
        Connection admin = connect("jdbc:mariadb://127.0.0.1:3306/", "root");
        assumeTrue(admin != null, "no MariaDB on 127.0.0.1:3306");
        try (admin; Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS guard_changelogs");
            s.execute("CREATE DATABASE guard_changelogs CHARACTER SET utf8mb4");
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/guard_changelogs", "root", "")) {
                applyTwiceAndCheck(c, null);
            }
            s.execute("DROP DATABASE guard_changelogs");
        }
    }

    private static void applyTwiceAndCheck(Connection connection, String schema) throws Exception {
        File bundle = KeycloakOptions.bundleJar().toFile();
        List<String> changelogs = changelogsIn(bundle);
        assertEquals(3, changelogs.size(), "the bundle's changelogs: " + changelogs);
        // The changelogs are read from the bundle alone: the tests' class path also holds core's own JAR.
        try (URLClassLoader bundleOnly = new URLClassLoader(new URL[]{bundle.toURI().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (int run = 1; run <= 2; run++) {
                for (String changelog : changelogs) {
                    Database database = DatabaseFactory.getInstance()
                            .findCorrectDatabaseImplementation(new JdbcConnection(connection));
                    if (schema != null) {
                        database.setDefaultSchemaName(schema);
                    }
                    // Keycloak keeps one change-log table per provider; so do we, so that runs stay independent.
                    database.setDatabaseChangeLogTableName("DBCL_" + Integer.toHexString(changelog.hashCode()).toUpperCase(Locale.ROOT));
                    database.setDatabaseChangeLogLockTableName("DBCLL_" + Integer.toHexString(changelog.hashCode()).toUpperCase(Locale.ROOT));
                    Liquibase liquibase = new Liquibase(changelog, new ClassLoaderResourceAccessor(bundleOnly), database);
                    if (run == 2) {
                        assertTrue(liquibase.listUnrunChangeSets(new Contexts(), new LabelExpression()).isEmpty(),
                                changelog + " has nothing left to run");
                    }
                    liquibase.update(new Contexts(), new LabelExpression());
                }
            }
        }
        List<String> tables = tables(connection, schema);
        for (String table : TABLES) {
            assertTrue(tables.contains(table), table + " in " + tables);
        }
    }

    private static List<String> changelogsIn(File bundle) throws IOException {
        List<String> found = new ArrayList<>();
        try (ZipFile zip = new ZipFile(bundle)) {
            zip.stream().map(e -> e.getName()).filter(n -> CHANGELOG.matcher(n).matches()).sorted().forEach(found::add);
        }
        return found;
    }

    private static List<String> tables(Connection connection, String schema) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = connection.getMetaData().getTables(connection.getCatalog(), schema, "%", new String[]{"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME").toUpperCase(Locale.ROOT));
            }
        }
        return names;
    }

    private static Connection connect(String url, String user) {
        try {
            return DriverManager.getConnection(url, user, "");
        } catch (SQLException e) {
            return null;
        }
    }
}
