package io.keycloakguard.it.audit;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The audit privacy options and the representation scrubber, on a Keycloak of their own that runs the audit
 * listener with {@code truncate-ip}, {@code hash-usernames} and {@code include-representation}: what the file sink
 * receives is searched for every clear-text address, name, e-mail address and SAML private key the test used.
 */
@ExtendWith(KeycloakGuardExtension.class)
class AuditPrivacyIT {

    static final String PASSWORD = "Correct-horse-42";
    /** Each test signs in from addresses of its own: a leak is then the test's own. */
    static final String A = "203.0.113.77";
    static final String B = "198.51.100.66";
    static final String C = "192.0.2.77";

    static DistributionKeycloak keycloak;
    static KeycloakAdmin admin;
    static Path file;
    static String realm;
    static String realmId;

    @BeforeAll
    static void start(GuardEnvironment env) throws IOException {
        assumeTrue(env.keycloak() instanceof DistributionKeycloak, "needs the distribution backend");
        Path workDir = KeycloakOptions.auditFile().getParent().getParent();
        file = workDir.resolve("audit-privacy").resolve("guard-audit.jsonl");
        // A scratch Keycloak of an earlier run left its database (and its admin with another password) behind.
        AuditRealm.deleteTree(workDir.resolve("audit-privacy-h2"));
        AuditRealm.deleteTree(file.getParent());
        Files.createDirectories(file.getParent());
        KeycloakOptions options = KeycloakOptions.defaults("audit-privacy", env.database(), env.redis().url(),
                env.keyPrefix()).withExtraArgs(
                "--spi-events-listener--guard-audit--file-path=" + file,
                "--spi-events-listener--guard-audit--truncate-ip=true",
                "--spi-events-listener--guard-audit--hash-usernames=true",
                "--spi-events-listener--guard-audit--include-representation=true");
        keycloak = DistributionKeycloak.startScratch(options);
        admin = KeycloakAdmin.of(keycloak);
        realm = "guard-privacy-" + UUID.randomUUID().toString().substring(0, 6);
        admin.request().body(Map.of("realm", realm, "enabled", true, "sslRequired", "none",
                        "eventsEnabled", true, "adminEventsEnabled", true, "adminEventsDetailsEnabled", true,
                        "eventsListeners", List.of("jboss-logging", "guard-audit")))
                .post("/admin/realms").then().statusCode(201);
        realmId = admin.request().get("/admin/realms/{realm}", realm).then().statusCode(200).extract().path("id");
    }

    @AfterAll
    static void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
    }

    /** Creates a user with distinctive names and e-mail address; returns [id, username, first, last, email]. */
    private static String[] user(String hint) {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String username = hint + "-" + tag;
        String first = "Zebulon" + tag;
        String last = "Quixote" + tag;
        String email = "mail-" + tag + "@privacy.example";
        Response created = admin.request().body(Map.of("username", username, "enabled", true, "email", email,
                        "emailVerified", true, "firstName", first, "lastName", last,
                        "credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false))))
                .post("/admin/realms/{realm}/users", realm);
        assertEquals(201, created.statusCode(), created.asString());
        String location = created.header("Location");
        return new String[]{location.substring(location.lastIndexOf('/') + 1), username, first, last, email};
    }

    private static String client(Map<String, Object> extra) {
        String clientId = "privacy-" + UUID.randomUUID().toString().substring(0, 6);
        new AuthFlows(admin, realm).createClient(clientId, "http://127.0.0.1:9/" + clientId, null, null, extra);
        return clientId;
    }

    private static Response passwordGrantFrom(String ip, String clientId, String username) {
        return given().header("X-Forwarded-For", ip).formParam("grant_type", "password").formParam("client_id", clientId)
                .formParam("username", username).formParam("password", PASSWORD).formParam("scope", "openid")
                .post(Tokens.tokenEndpoint(keycloak.baseUrl(), realm));
    }

    /** The realm's lines in the file, once it holds at least one line that contains {@code marker}. */
    private static List<String> fileLinesWith(String marker) {
        List<String>[] lines = new List[1];
        Await.until(() -> {
            lines[0] = AuditRealm.allFileLines(file).stream()
                    .filter(l -> l.contains("\"realmId\":\"" + realmId + "\"")).toList();
            return lines[0].stream().anyMatch(l -> l.contains(marker));
        }, Duration.ofSeconds(60), "the audit file holds a record with " + marker);
        return lines[0];
    }

    private static void assertAbsent(List<String> lines, String what, String value) {
        List<String> leaks = lines.stream().filter(l -> l.contains(value)).toList();
        assertTrue(leaks.isEmpty(), what + " '" + value + "' is in the audit file in clear: " + leaks);
    }

    /**
     * A user signs in and changes their e-mail address and names in the account API; an admin updates the
     * user too (the representation is recorded). Nowhere in the file is the address, the user name, the old or
     * new e-mail address or a name in clear.
     */
    @Test
    void anEmailChangeLeavesNoAddressNameOrEmailInClear() {
        String[] u = user("mover");
        String clientId = client(Map.of());
        Response login = passwordGrantFrom(C, clientId, u[1]);
        assertEquals(200, login.statusCode(), login.asString());
        String token = login.jsonPath().getString("access_token");
        String newEmail = "new-" + u[4];
        String newFirst = u[2] + "New";
        Response changed = given().header("X-Forwarded-For", C).auth().oauth2(token).contentType(ContentType.JSON)
                .accept(ContentType.JSON)
                .body(Map.of("username", u[1], "email", newEmail, "firstName", newFirst, "lastName", u[3]))
                .post(keycloak.baseUrl() + "/realms/" + realm + "/account/");
        assertEquals(204, changed.statusCode(), changed.asString());
        admin.request().body(Map.of("lastName", u[3] + "Admin", "email", newEmail, "firstName", newFirst))
                .put("/admin/realms/{realm}/users/{id}", realm, u[0]).then().statusCode(204);

        List<String> lines = fileLinesWith("ADMIN_UPDATE");
        assertTrue(lines.stream().anyMatch(l -> l.contains("UPDATE_PROFILE") || l.contains("UPDATE_EMAIL")),
                "the profile change is recorded: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("192.0.2.0/24")), "addresses are kept as networks");
        assertAbsent(lines, "the client address", C);
        assertAbsent(lines, "the user name", u[1]);
        assertAbsent(lines, "the old e-mail address", u[4]);
        assertAbsent(lines, "the new e-mail address", newEmail);
        assertAbsent(lines, "the first name", u[2]);
        assertAbsent(lines, "the last name", u[3]);
    }

    /**
     * A refresh from network B of a session created from A, with the network binding in log mode: the mismatch
     * event names both addresses; the file holds neither in clear.
     */
    @Test
    void aNetworkBindingMismatchLeavesNoAddressInClear() {
        String profile = "privacy-binding";
        admin.request().body(Map.of("profiles", List.of(Map.of("name", profile, "description", "log",
                        "executors", List.of(Map.of("executor", "guard-network-binding",
                                "configuration", Map.of("mode", "log")))))))
                .put("/admin/realms/{realm}/client-policies/profiles", realm).then().statusCode(204);
        admin.request().body(Map.of("policies", List.of(Map.of("name", profile, "description", "", "enabled", true,
                        "conditions", List.of(Map.of("condition", "client-attributes", "configuration",
                                Map.of("attributes", "[{\"key\":\"privacy-binding\",\"value\":\"on\"}]"))),
                        "profiles", List.of(profile)))))
                .put("/admin/realms/{realm}/client-policies/policies", realm).then().statusCode(204);
        Map<String, Object> extra = new HashMap<>();
        extra.put("attributes", Map.of("privacy-binding", "on"));
        String clientId = client(extra);
        String[] u = user("roamer");
        Response login = passwordGrantFrom(A, clientId, u[1]);
        assertEquals(200, login.statusCode(), login.asString());
        Response refreshed = given().header("X-Forwarded-For", B).formParam("grant_type", "refresh_token")
                .formParam("client_id", clientId).formParam("refresh_token", login.jsonPath().getString("refresh_token"))
                .post(Tokens.tokenEndpoint(keycloak.baseUrl(), realm));
        assertEquals(200, refreshed.statusCode(), refreshed.asString());

        List<String> lines = fileLinesWith("network_binding.mismatch");
        String mismatch = lines.stream().filter(l -> l.contains("network_binding.mismatch")).findFirst().orElseThrow();
        assertTrue(mismatch.contains("\"session_ip\":\"203.0.113.0/24\""), mismatch);
        assertTrue(mismatch.contains("\"request_ip\":\"198.51.100.0/24\""), mismatch);
        assertAbsent(lines, "the session's address", A);
        assertAbsent(lines, "the request's address", B);
        assertAbsent(lines, "the user name", u[1]);
    }

    /**
     * A SAML client created and updated with its signing and encryption private keys as attributes: the recorded
     * representations keep the client but not the keys.
     */
    @Test
    void samlClientPrivateKeysNeverReachTheFile() {
        String clientId = "urn:privacy:saml:" + UUID.randomUUID().toString().substring(0, 6);
        String signingKey = "MIIEvSigningPrivateKey" + UUID.randomUUID().toString().replace("-", "");
        String encryptionKey = "MIIEvEncryptionPrivateKey" + UUID.randomUUID().toString().replace("-", "");
        Map<String, Object> client = new HashMap<>(Map.of("clientId", clientId, "protocol", "saml", "enabled", true,
                "redirectUris", List.of("https://sp.example/saml"),
                "attributes", Map.of("saml.signing.private.key", signingKey, "saml.encryption.private.key", encryptionKey,
                        "saml.client.signature", "true")));
        Response created = admin.request().body(client).post("/admin/realms/{realm}/clients", realm);
        assertEquals(201, created.statusCode(), created.asString());
        String location = created.header("Location");
        String uuid = location.substring(location.lastIndexOf('/') + 1);
        client.put("id", uuid);
        client.put("description", "updated-" + clientId);
        admin.request().body(client).put("/admin/realms/{realm}/clients/{id}", realm, uuid).then().statusCode(204);

        List<String> lines = fileLinesWith("updated-" + clientId);
        assertTrue(lines.stream().anyMatch(l -> l.contains("ADMIN_CREATE") && l.contains(clientId)),
                "the creation is recorded with its representation: " + lines);
        assertAbsent(lines, "the SAML signing private key", signingKey);
        assertAbsent(lines, "the SAML encryption private key", encryptionKey);
        assertFalse(lines.stream().anyMatch(l -> l.contains("saml.signing.private.key")), "the key's name is dropped too");
    }
}
