package io.keycloakguard.events.audit;

import io.keycloakguard.core.config.OptionReader;
import org.junit.jupiter.api.Test;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditRecordsTest {

    private static AuditSettings settings(Map<String, String> options) {
        return AuditSettings.parse(new OptionReader(options::get, k -> k));
    }

    private static Event loginError() {
        Event e = new Event();
        e.setId("ev-1");
        e.setTime(1_700_000_000_123L);
        e.setType(EventType.LOGIN_ERROR);
        e.setRealmId("r-1");
        e.setRealmName("demo");
        e.setClientId("app");
        e.setUserId("u-1");
        e.setSessionId("s-1");
        e.setIpAddress("203.0.113.77");
        e.setError("invalid_user_credentials");
        Map<String, String> details = new HashMap<>();
        details.put("username", "ann");
        details.put("auth_method", "openid-connect");
        details.put("client_secret", "must-not-appear");
        details.put("credential_type", "otp");
        details.put("refresh_token_id", "rt-1");
        e.setDetails(details);
        return e;
    }

    @Test
    void userEventHasTheDocumentedFields() {
        Map<String, Object> r = new AuditRecords(settings(Map.of())).of(loginError(), "ann",
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36", null);
        assertEquals(1L, r.get("v"));
        assertEquals("user", r.get("kind"));
        assertEquals("LOGIN_ERROR", r.get("type"));
        assertEquals("error", r.get("outcome"));
        assertEquals("invalid_user_credentials", r.get("error"));
        assertEquals(1_700_000_000_123L, r.get("time"));
        assertEquals("r-1", r.get("realmId"));
        assertEquals("demo", r.get("realm"));
        assertEquals("u-1", r.get("userId"));
        assertEquals("ann", r.get("username"));
        assertEquals("app", r.get("clientId"));
        assertEquals("s-1", r.get("sessionId"));
        assertEquals("203.0.113.77", r.get("ip"));
        assertEquals("Chrome", r.get("userAgent"));
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) r.get("details");
        assertEquals("openid-connect", details.get("auth_method"));
        assertFalse(details.containsKey("client_secret"));
        assertEquals("otp", details.get("credential_type"));
        assertEquals("rt-1", details.get("refresh_token_id"));
    }

    @Test
    void privacyOptionsTruncateHashAndDrop() {
        AuditRecords records = new AuditRecords(settings(Map.of("truncate-ip", "true", "hash-usernames", "true",
                "drop-user-agent", "true")));
        byte[] key = new byte[32];
        Map<String, Object> r = records.of(loginError(), "ann", "curl/8.0", key);
        assertEquals("203.0.113.0/24", r.get("ip"));
        assertTrue(((String) r.get("username")).startsWith("hmac:"));
        assertEquals(r.get("username"), ((Map<?, ?>) r.get("details")).get("username"));
        assertNull(r.get("userAgent"));
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        assertFalse(r.get("username").equals(records.of(loginError(), "ann", null, otherKey).get("username")));
        assertEquals("2001:db8:1:0:0:0:0:0/48", records.ip("2001:db8:1:2::5"));
    }

    private static AdminEvent userAdminEvent(OperationType operation, String representation) {
        AdminEvent e = new AdminEvent();
        e.setId("a-1");
        e.setTime(5L);
        e.setRealmId("r-1");
        e.setOperationType(operation);
        e.setResourceType(ResourceType.USER);
        e.setRepresentation(representation);
        return e;
    }

    @Test
    void adminEventCarriesOperationPathAndScrubbedRepresentation() {
        AdminEvent e = userAdminEvent(OperationType.UPDATE, "{\"firstName\":\"Bo\",\"credentials\":[{\"type\":"
                + "\"password\",\"value\":\"x\"}],\"attributes\":{\"secretQuestion\":[\"q\"]}}");
        e.setResourcePath("users/u-2");
        AuthDetails auth = new AuthDetails();
        auth.setUserId("admin-1");
        auth.setClientId("admin-cli");
        auth.setRealmId("master-id");
        auth.setIpAddress("127.0.0.1");
        e.setAuthDetails(auth);
        Map<String, Object> r = new AuditRecords(settings(Map.of("include-representation", "true"))).of(e, null);
        assertEquals("admin", r.get("kind"));
        assertEquals("ADMIN_UPDATE", r.get("type"));
        assertEquals("UPDATE", r.get("operation"));
        assertEquals("USER", r.get("resourceType"));
        assertEquals("users/u-2", r.get("resourcePath"));
        assertEquals("admin-1", r.get("userId"));
        assertEquals("{\"firstName\":\"Bo\",\"attributes\":{}}".length(), ((String) r.get("representation")).length());
        assertFalse(((String) r.get("representation")).contains("credentials"));
        assertNull(new AuditRecords(settings(Map.of())).of(e, null).get("representation"));
    }

    /** Every detail that holds an address or an identity of the user gets the same treatment as ip and username. */
    @Test
    void privacyOptionsReachEveryFieldThatHoldsTheSameDatum() {
        Event e = loginError();
        Map<String, String> details = new HashMap<>(e.getDetails());
        details.put("ip", "198.51.100.9");
        details.put("session_ip", "203.0.113.10");
        details.put("request_ip", "2001:db8:1:2::5");
        details.put("email", "ann@example.test");
        details.put("previous_email", "old@example.test");
        details.put("updated_email", "new@example.test");
        details.put("impersonator", "root-admin");
        details.put("identity_provider_identity", "ann.upstream");
        details.put("first_name", "Ann");
        details.put("last_name", "Example");
        details.put("previous_phone", "+49 30 1234");
        details.put("updated_refresh_token_id", "rt-2");
        details.put("reason", "different-network");
        e.setDetails(details);
        AuditRecords records = new AuditRecords(settings(Map.of("truncate-ip", "true", "hash-usernames", "true")));
        Map<String, Object> r = records.of(e, "ann", null, new byte[32]);
        Map<?, ?> d = (Map<?, ?>) r.get("details");
        assertEquals("198.51.100.0/24", d.get("ip"));
        assertEquals("203.0.113.0/24", d.get("session_ip"));
        assertEquals("2001:db8:1:0:0:0:0:0/48", d.get("request_ip"));
        for (String key : new String[]{"email", "previous_email", "updated_email", "impersonator",
                "identity_provider_identity", "first_name", "last_name", "previous_phone"}) {
            assertTrue(String.valueOf(d.get(key)).startsWith("hmac:"), key + " = " + d.get(key));
        }
        assertEquals("rt-2", d.get("updated_refresh_token_id"));
        assertEquals("different-network", d.get("reason"));
        assertEquals("openid-connect", d.get("auth_method"));

        Map<?, ?> clear = (Map<?, ?>) new AuditRecords(settings(Map.of())).of(e, "ann", null, null).get("details");
        assertEquals("203.0.113.10", clear.get("session_ip"));
        assertEquals("ann@example.test", clear.get("email"));
    }

    /** An admin event's representation: user names, e-mail addresses and names hashed, addresses truncated. */
    @Test
    void privacyOptionsReachTheRepresentation() {
        AdminEvent e = userAdminEvent(OperationType.CREATE, "{\"username\":\"ann\",\"email\":\"ann@example.test\","
                + "\"firstName\":\"Ann\",\"lastName\":\"Example\",\"enabled\":true,\"ipAddress\":\"203.0.113.10\"}");
        Map<String, Object> r = new AuditRecords(settings(Map.of("include-representation", "true",
                "truncate-ip", "true", "hash-usernames", "true"))).of(e, null, new byte[32]);
        String representation = (String) r.get("representation");
        for (String clear : new String[]{"\"ann\"", "ann@example.test", "\"Ann\"", "Example", "203.0.113.10"}) {
            assertFalse(representation.contains(clear), clear + " in " + representation);
        }
        assertTrue(representation.contains("203.0.113.0/24"), representation);
        assertTrue(representation.contains("\"enabled\":true"), representation);
    }

    /** Key names are compared normalised: SAML's dotted names of private keys are secrets too. */
    @Test
    void samlPrivateKeysAreScrubbed() {
        String scrubbed = Representations.scrub("{\"clientId\":\"urn:sp\",\"protocol\":\"saml\",\"attributes\":{"
                + "\"saml.signing.private.key\":\"MIIEsign\",\"saml.encryption.private.key\":\"MIIEenc\","
                + "\"saml.signing.certificate\":\"MIICcert\",\"saml_force_name_id_format\":\"false\","
                + "\"Private-Key\":\"x\",\"privateKey\":\"y\"}}");
        assertFalse(scrubbed.contains("MIIE"), scrubbed);
        assertFalse(scrubbed.contains("private"), scrubbed);
        assertFalse(scrubbed.contains("Private"), scrubbed);
        assertFalse(scrubbed.contains("MIICcert"), scrubbed);
        assertTrue(scrubbed.contains("saml_force_name_id_format"), scrubbed);
        assertTrue(scrubbed.contains("urn:sp"), scrubbed);
    }

    @Test
    void signalsComeFromGuardDetails() {
        assertEquals("session_limit.denied", AuditRecords.signal(Map.of("guard_event", "session_limit.denied")).orElseThrow());
        assertEquals("device.new", AuditRecords.signal(Map.of("guard_new_device", "true")).orElseThrow());
        assertTrue(AuditRecords.signal(Map.of("guard_new_device", "false")).isEmpty());
    }

    @Test
    void userAgentFamilies() {
        assertEquals("Firefox", UserAgentFamily.of("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"));
        assertEquals("Edge", UserAgentFamily.of("Mozilla/5.0 ... Chrome/130.0 Safari/537.36 Edg/130.0"));
        assertEquals("Safari", UserAgentFamily.of("Mozilla/5.0 (Macintosh) AppleWebKit/605 (KHTML) Version/17.0 Safari/605"));
        assertEquals("Java", UserAgentFamily.of("Java-http-client/17"));
        assertNull(UserAgentFamily.of(" "));
    }
}
