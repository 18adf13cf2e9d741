package io.keycloakguard.it.audit;

import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit trail end to end: each user action and an admin update give exactly one record with the
 * documented fields, the file and the Redis stream hold the same chained records, and the verifier command
 * passes on them and finds each kind of tampering in a copy of the real file.
 */
@Tag("compat")
@ExtendWith(KeycloakGuardExtension.class)
class AuditTrailIT {

    static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    static AuditRealm realm;
    static String userId;
    static String username;

    @BeforeAll
    static void actions(GuardEnvironment env) throws Exception {
        realm = AuditRealm.create(env, "trail");
        userId = realm.createUser("ann");
        username = realm.username(userId);

        // Failed login (direct grant, wrong password): LOGIN_ERROR, stored by Keycloak in its own transaction.
        Tokens.passwordGrantResponse(env.baseUrl(), realm.name, AuditRealm.CLIENT, username, "wrong-password")
                .then().statusCode(Tokens.wrongPasswordStatus());

        // Browser login from a public address with Firefox (LOGIN), then code to token (CODE_TO_TOKEN).
        BrowserSession browser = new BrowserSession(env.baseUrl()).userAgent(FIREFOX).forwardedFor("203.0.113.7");
        Map<String, Object> tokens = browser.login(realm.name, AuditRealm.CLIENT, AuditRealm.REDIRECT, username,
                AuditRealm.PASSWORD);

        // Refresh (REFRESH_TOKEN), then logout (LOGOUT).
        Map<String, Object> refreshed = given().formParam("grant_type", "refresh_token")
                .formParam("client_id", AuditRealm.CLIENT).formParam("refresh_token", tokens.get("refresh_token"))
                .post(Tokens.tokenEndpoint(env.baseUrl(), realm.name)).then().statusCode(200).extract().as(Map.class);
        Tokens.logout(env.baseUrl(), realm.name, AuditRealm.CLIENT, refreshed.get("refresh_token"));

        // Admin update of the user (ADMIN_UPDATE on users/ID): the admin asks the user to set up OTP.
        Map<String, Object> representation = env.admin().request()
                .get("/admin/realms/{realm}/users/{id}", realm.name, userId).then().statusCode(200).extract().as(Map.class);
        representation.put("requiredActions", List.of("CONFIGURE_TOTP"));
        env.admin().request().body(representation).put("/admin/realms/{realm}/users/{id}", realm.name, userId)
                .then().statusCode(204);

        // OTP set-up in the next login (UPDATE_CREDENTIAL).
        BrowserSession otpBrowser = new BrowserSession(env.baseUrl());
        BrowserSession.LoginPage page = otpBrowser.openLoginPage(realm.name, AuditRealm.CLIENT, AuditRealm.REDIRECT);
        BrowserSession.Outcome setup = otpBrowser.submitCredentials(page, username, AuditRealm.PASSWORD);
        Matcher secret = Pattern.compile("name=\"totpSecret\" value=\"([^\"]+)\"").matcher(setup.body());
        assertTrue(secret.find(), "expected the OTP setup page: " + setup.body());
        String base32 = new org.apache.commons.codec.binary.Base32()
                .encodeToString(secret.group(1).getBytes(StandardCharsets.UTF_8));
        String otp = String.format("%06d", new com.warrenstrange.googleauth.GoogleAuthenticator().getTotpPassword(base32));
        BrowserSession.Outcome done = otpBrowser.submitForm(BrowserSession.formAction(setup.body()),
                Map.of("totp", otp, "totpSecret", secret.group(1), "userLabel", "phone"));
        assertNotNull(done.code(), "OTP setup should finish the login: " + done.body());
    }

    @AfterAll
    static void cleanUp() {
        if (realm != null) {
            realm.delete();
        }
    }

    /** Keycloak's stored events of the user, each as {id, type}. */
    static List<Map<String, Object>> keycloakEvents(GuardEnvironment env) {
        return env.admin().request().queryParam("user", userId).queryParam("max", 1000)
                .get("/admin/realms/{realm}/events", realm.name).then().statusCode(200).extract().jsonPath().getList("$");
    }

    @Test
    void everyStoredEventOfTheUserIsExactlyOneRecord(GuardEnvironment env) {
        realm.awaitShipped(1);
        List<Map<String, Object>> events = keycloakEvents(env);
        List<Map<String, Object>> records = realm.records(Map.of("user", userId, "max", 1000));
        for (String type : List.of("LOGIN", "LOGIN_ERROR", "CODE_TO_TOKEN", "REFRESH_TOKEN", "LOGOUT", "UPDATE_CREDENTIAL")) {
            assertTrue(events.stream().anyMatch(e -> type.equals(e.get("type"))), "Keycloak stored a " + type + ": " + events);
        }
        for (Map<String, Object> event : events) {
            long matching = records.stream().filter(r -> event.get("id").equals(r.get("eventId"))).count();
            assertEquals(1, matching, "records of event " + event + " in " + records);
            Map<String, Object> record = records.stream().filter(r -> event.get("id").equals(r.get("eventId"))).findFirst().orElseThrow();
            assertEquals(event.get("type"), record.get("type"));
            assertEquals(((Number) event.get("time")).longValue(), ((Number) record.get("time")).longValue());
        }
        long userEvents = records.stream().filter(r -> "user".equals(r.get("kind"))).count();
        assertEquals(events.size(), userEvents, "no record without a Keycloak event: " + records);
    }

    @Test
    void recordsCarryTheDocumentedFields(GuardEnvironment env) {
        realm.awaitShipped(1);
        Map<String, Object> login = only(realm.records(Map.of("user", userId, "type", "LOGIN")).stream()
                .filter(r -> "203.0.113.7".equals(r.get("ip"))).toList());
        assertEquals(1, ((Number) login.get("v")).intValue());
        assertEquals("user", login.get("kind"));
        assertEquals("success", login.get("outcome"));
        assertEquals(realm.id, login.get("realmId"));
        assertEquals(realm.name, login.get("realm"));
        assertEquals(userId, login.get("userId"));
        assertEquals(username, login.get("username"));
        assertEquals(AuditRealm.CLIENT, login.get("clientId"));
        assertNotNull(login.get("sessionId"));
        assertEquals("Firefox", login.get("userAgent"));
        assertTrue(login.get("details") instanceof Map, "details: " + login);
        assertTrue(((Number) login.get("seq")).longValue() >= 1);
        assertTrue(((String) login.get("hash")).matches("[0-9a-f]{64}"));
        assertTrue(((String) login.get("prev")).matches("[0-9a-f]{64}"));

        Map<String, Object> error = only(realm.records(Map.of("user", userId, "type", "LOGIN_ERROR")));
        assertEquals("error", error.get("outcome"));
        assertEquals("invalid_user_credentials", error.get("error"));
        assertEquals(username, error.get("username"));

        Map<String, Object> update = only(realm.records(Map.of("type", "ADMIN_UPDATE")).stream()
                .filter(r -> ("users/" + userId).equals(r.get("resourcePath"))).toList());
        assertEquals("admin", update.get("kind"));
        assertEquals("UPDATE", update.get("operation"));
        assertEquals("USER", update.get("resourceType"));
        assertNotNull(update.get("userId"), "the acting admin");
        assertTrue(!update.containsKey("representation"), "representations are off by default");
    }

    @Test
    void theFileAndTheStreamHoldTheSameChain(GuardEnvironment env) {
        long head = realm.awaitShipped(8);
        List<String> file = realm.fileLines();
        List<String> stream = realm.streamLines();
        assertEquals(file, stream, "file and stream agree");
        for (int i = 0; i < file.size(); i++) {
            assertEquals(i + 1, AuditRealm.seqOf(file.get(i)), "consecutive seqs from 1");
        }
        assertEquals(head, file.size());
    }

    @Test
    void theVerifierPassesOnTheRealOutputAndFindsEachKindOfTampering(GuardEnvironment env, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        realm.awaitShipped(8);
        AuditRealm.Verification fileCheck = AuditRealm.verifyFile(env, KeycloakOptions.auditFile());
        assertEquals(0, fileCheck.exitCode(), fileCheck.output());
        assertTrue(fileCheck.output().startsWith("OK"), fileCheck.output());
        AuditRealm.Verification streamCheck = AuditRealm.verifyStream(env, realm.streamKey());
        assertEquals(0, streamCheck.exitCode(), streamCheck.output());

        List<String> lines = AuditRealm.allFileLines(KeycloakOptions.auditFile());
        List<Integer> mine = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"realmId\":\"" + realm.id + "\"")) {
                mine.add(i);
            }
        }
        assertTrue(mine.size() >= 8, "records of the realm in the file: " + mine.size());
        int third = mine.get(2);
        int fourth = mine.get(3);

        // Edit: one field of one record changed.
        List<String> edited = new ArrayList<>(lines);
        edited.set(third, lines.get(third).replaceFirst("\"outcome\":\"(success|error)\"", "\"outcome\":\"tampered\""));
        assertBroken(env, dir, "edit", edited, "edited");

        // Delete: one record removed.
        List<String> deleted = new ArrayList<>(lines);
        deleted.remove(third);
        assertBroken(env, dir, "delete", deleted, "deleted");

        // Insert: a forged record whose own hash is right, between two real ones.
        List<String> inserted = new ArrayList<>(lines);
        inserted.add(fourth, rehash(lines.get(third).replaceFirst("\"type\":\"[A-Z_]+\"", "\"type\":\"LOGIN\"")));
        assertBroken(env, dir, "insert", inserted, "inserted");

        // Reorder: two records swapped.
        List<String> reordered = new ArrayList<>(lines);
        reordered.set(third, lines.get(fourth));
        reordered.set(fourth, lines.get(third));
        assertBroken(env, dir, "reorder", reordered, "realm " + realm.id);
    }

    private static void assertBroken(GuardEnvironment env, Path dir, String name, List<String> lines, String expected)
            throws Exception {
        Path copy = dir.resolve(name + ".jsonl");
        Files.write(copy, lines, StandardCharsets.UTF_8);
        AuditRealm.Verification check = AuditRealm.verifyFile(env, copy);
        assertEquals(1, check.exitCode(), name + ": " + check.output());
        assertTrue(check.output().contains("BROKEN") && check.output().contains(expected), name + ": " + check.output());
        assertTrue(check.output().contains("realm " + realm.id), name + " is reported in the tampered realm: " + check.output());
    }

    /** The record with its hash recomputed as the pack does: SHA-256 hex of prev + canonical JSON without hash. */
    static String rehash(String line) throws Exception {
        String withoutHash = line.replaceFirst(",\"hash\":\"[0-9a-f]{64}\"", "");
        String prev = AuditRealm.parse(line).get("prev").toString();
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest((prev + withoutHash).getBytes(StandardCharsets.UTF_8)));
        return line.replaceFirst("\"hash\":\"[0-9a-f]{64}\"", "\"hash\":\"" + hash + "\"");
    }

    static Map<String, Object> only(List<Map<String, Object>> records) {
        assertEquals(1, records.size(), "exactly one record: " + records);
        return records.get(0);
    }
}
