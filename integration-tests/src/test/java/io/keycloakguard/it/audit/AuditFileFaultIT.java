package io.keycloakguard.it.audit;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.KeycloakServer;
import io.keycloakguard.it.harness.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The file sink's directory (and file) made read-only: logins succeed, the failure is logged once, the
 * records wait; once writable again the file catches up with every record and verifies.
 */
@ExtendWith(KeycloakGuardExtension.class)
class AuditFileFaultIT {

    static final String FAILURE = "writing audit records to 'file:";

    @Test
    void aReadOnlyFileSinkDelaysRecordsButNeverALogin(GuardEnvironment env) throws Exception {
        KeycloakServer keycloak = env.keycloak();
        AuditRealm realm = AuditRealm.create(env, "readonly");
        Path file = KeycloakOptions.auditFile();
        Path dir = file.getParent();
        try {
            String userId = realm.createUser("ro");
            String username = realm.username(userId);
            realm.awaitShipped(1);
            int failuresBefore = count(keycloak.log(), FAILURE);

            assumeTrue(makeReadOnly(dir, file), "cannot make the audit directory read-only here");
            try {
                for (int i = 0; i < 5; i++) {
                    assertNotNull(Tokens.passwordGrant(env.baseUrl(), realm.name, AuditRealm.CLIENT, username,
                            AuditRealm.PASSWORD).get("access_token"), "login " + i + " succeeds");
                }
                String metricsUrl = keycloak.managementUrl() + "/metrics";
                Await.until(() -> metric(given().get(metricsUrl).asString(), "keycloak_guard_audit_pending", "file") >= 5,
                        Duration.ofSeconds(30), "the records wait for the file sink");
                // Several ship passes later, still one error line, naming the file and the cause.
                Await.sleep(Duration.ofSeconds(3));
                String log = keycloak.log();
                assertEquals(failuresBefore + 1, count(log, FAILURE), "the failure is logged once");
                assertTrue(log.contains(file.toString()), "the error names the file");
                long fileLogins = realm.fileLines().stream().filter(l -> l.contains("\"type\":\"LOGIN\"")).count();
                assertEquals(0, fileLogins, "nothing reached the read-only file");
                assertTrue(realm.streamLines().stream().filter(l -> l.contains("\"type\":\"LOGIN\"")).count() == 5,
                        "the other sink goes on");
            } finally {
                makeWritable(dir, file);
            }
            long head = realm.awaitShipped(6);
            assertEquals(realm.streamLines(), realm.fileLines(), "the file caught up with the stream");
            assertEquals(head, AuditRealm.seqOf(realm.fileLines().get(realm.fileLines().size() - 1)));
            AuditRealm.Verification check = AuditRealm.verifyFile(env, file);
            assertEquals(0, check.exitCode(), check.output());
            Await.until(() -> keycloak.log().contains("the audit sink 'file:" + file + "' works again"),
                    Duration.ofSeconds(10), "the recovery is logged");
        } finally {
            makeWritable(dir, file);
            realm.delete();
        }
    }

    /** chmod for ordinary users; root ignores permissions, so also the immutable attribute (chattr +i). */
    static boolean makeReadOnly(Path dir, Path file) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        }
        if (!writable(dir, file)) {
            return true;
        }
        run("chattr", "+i", file.toString());
        run("chattr", "+i", dir.toString());
        return !writable(dir, file);
    }

    static void makeWritable(Path dir, Path file) throws Exception {
        run("chattr", "-i", dir.toString());
        run("chattr", "-i", file.toString());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    private static boolean writable(Path dir, Path file) {
        try {
            Files.delete(Files.createFile(dir.resolve("probe")));
            return true;
        } catch (IOException e) {
            try {
                Files.writeString(file, "", java.nio.file.StandardOpenOption.APPEND);
                return true;
            } catch (IOException again) {
                return false;
            }
        }
    }

    private static void run(String... command) throws Exception {
        try {
            new ProcessBuilder(command).redirectErrorStream(true).start().waitFor();
        } catch (IOException e) {
            // chattr missing: the caller checks the outcome.
        }
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    static double metric(String metrics, String name, String sink) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*sink=\"" + sink + "\"[^}]*\\} (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
