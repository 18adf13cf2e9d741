package io.keycloakguard.it.notify;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.SmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "This wasn't me" against an intruder who knows the password (issue 19, item 1): after the owner's click the
 * intruder's password signs nobody in, the intruder's device and network are forgotten, offline sessions and
 * consents are gone, an audit record says so, and the owner chooses a new password from an email.
 */
@ExtendWith(KeycloakGuardExtension.class)
class NotMeTakeoverIT {

    static final String CONSENT_CLIENT = "consent-app";
    static final Pattern LINK = Pattern.compile("This wasn't me: (\\S+)");
    static final Pattern URL = Pattern.compile("(https?://\\S+/login-actions/action-token\\?\\S+)");

    static SmtpServer smtp;
    static NotifyRealm realm;

    @BeforeAll
    static void setUp(GuardEnvironment env) {
        smtp = SmtpServer.start();
        realm = NotifyRealm.create(env, "not-me-takeover", smtp);
        NewDeviceEmailIT.useDeviceRecorder(realm);
        realm.addEventListeners("guard-audit");
        env.admin().request().body(Map.of("clientId", CONSENT_CLIENT, "publicClient", true, "standardFlowEnabled", true,
                        "consentRequired", true, "redirectUris", List.of(NotifyRealm.REDIRECT)))
                .post("/admin/realms/{realm}/clients", realm.name).then().statusCode(201);
    }

    @AfterAll
    static void tearDown() {
        if (realm != null) {
            realm.delete();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    static BrowserSession device(String userAgent, String address) {
        return new BrowserSession(realm.baseUrl()).userAgent(userAgent).forwardedFor(address);
    }

    @Test
    void afterTheClickTheIntrudersPasswordSignsNobodyInAndTheOwnerResetsItFromAnEmail() {
        String username = NotifyRealm.unique("takeover");
        String email = username + "@example.test";
        String userId = realm.createUser(username);

        // The owner: a laptop at home, which also consents to a client.
        BrowserSession laptop = device(NewDeviceEmailIT.FIREFOX_LINUX, "198.51.100.60");
        NewDeviceEmailIT.login(laptop, realm, username);
        BrowserSession.LoginPage consentPage = laptop.openLoginPage(realm.name, CONSENT_CLIENT, NotifyRealm.REDIRECT);
        BrowserSession.Outcome consented = laptop.submitForm(consentPage.formAction(),
                Map.of("code", hidden(consentPage.html(), "code"), "accept", "Yes"));
        assertNotNull(consented.code(), "consent given: " + consented.body());
        assertFalse(realm.consents(userId).isEmpty(), "the owner's consent is stored");

        // The intruder, with the password, from a phone elsewhere; and an offline session of theirs.
        BrowserSession phone = device(NewDeviceEmailIT.SAFARI_IPHONE, "203.0.113.60");
        NewDeviceEmailIT.login(phone, realm, username);
        realm.offlineLogin(username);
        assertEquals(2, realm.devices(userId).size());
        assertEquals(1, realm.offlineSessions(userId).size());

        SmtpServer.Mail notice = smtp.awaitMessagesTo(email, 1, Duration.ofSeconds(15)).get(0);
        Matcher link = LINK.matcher(notice.text());
        assertTrue(link.find(), notice.text());

        // The owner reports the sign-in.
        BrowserSession.Outcome reported = NotMeClick.confirm(realm.baseUrl(), link.group(1));
        assertEquals(200, reported.status(), reported.body());
        assertTrue(reported.body().contains("All your sessions were ended"), reported.body());

        // The intruder comes back with the password they know: refused, not asked for a new one.
        BrowserSession.LoginPage again = phone.openLoginPage(realm.name, NotifyRealm.CLIENT, NotifyRealm.REDIRECT);
        BrowserSession.Outcome refused = phone.submitCredentials(again, username, NotifyRealm.PASSWORD);
        assertNull(refused.code(), "the intruder's password signed in again");
        assertFalse(refused.body().contains("kc-passwd-update-form"),
                "the intruder's old password still signs in: Keycloak asks them to choose a new password");
        assertTrue(refused.body().contains("Invalid username or password"), refused.body());

        // Everything the reported sign-in brought is gone; the owner's laptop stays known.
        assertEquals(List.of(), realm.sessions(userId));
        assertEquals(List.of(), realm.offlineSessions(userId));
        assertEquals(List.of(), realm.consents(userId), "consents revoked");
        List<Map<String, Object>> devices = realm.devices(userId);
        assertEquals(1, devices.size(), devices.toString());
        assertEquals("198.51.100.60", devices.get(0).get("lastIp"), "the laptop stays known");
        assertTrue(realm.logins(userId).stream().noneMatch(l -> String.valueOf(l.get("ip")).startsWith("203.0.113.")),
                "the intruder's network is forgotten: " + realm.logins(userId));
        Await.until(() -> !auditRecords(userId, "GUARD_NOT_ME_ACCOUNT_SECURED").isEmpty(), Duration.ofSeconds(30),
                "an audit record of the report");
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) auditRecords(userId, "GUARD_NOT_ME_ACCOUNT_SECURED").get(0).get("details");
        assertEquals("true", details.get("password_removed"), details.toString());
        assertEquals("1", details.get("devices_forgotten"), details.toString());

        // The owner chooses a new password from the email sent to their address.
        List<SmtpServer.Mail> mails = smtp.awaitMessagesTo(email, 2, Duration.ofSeconds(15));
        SmtpServer.Mail reset = mails.get(1);
        Matcher resetLink = URL.matcher(reset.text());
        assertTrue(resetLink.find(), reset.text());
        BrowserSession owner = new BrowserSession(realm.baseUrl());
        BrowserSession.Outcome form = NotMeClick.openNewPasswordForm(owner, resetLink.group(1));
        assertTrue(form.body().contains("kc-passwd-update-form"), form.status() + " " + form.body());
        BrowserSession.Outcome updated = owner.submitForm(BrowserSession.formAction(form.body()),
                Map.of("password-new", NotifyRealm.NEW_PASSWORD, "password-confirm", NotifyRealm.NEW_PASSWORD));
        assertEquals(200, updated.status(), updated.body());
        assertTrue(updated.body().contains("Your account has been updated"), updated.body());

        BrowserSession.LoginPage home = laptop.openLoginPage(realm.name, NotifyRealm.CLIENT, NotifyRealm.REDIRECT);
        assertNotNull(laptop.submitCredentials(home, username, NotifyRealm.NEW_PASSWORD).code(),
                "the owner signs in with the new password");
        BrowserSession.LoginPage stillOld = phone.openLoginPage(realm.name, NotifyRealm.CLIENT, NotifyRealm.REDIRECT);
        assertNull(phone.submitCredentials(stillOld, username, NotifyRealm.PASSWORD).code(), "the old password stays dead");
    }

    static List<Map<String, Object>> auditRecords(String userId, String type) {
        return realm.env.admin().request().queryParam("user", userId).queryParam("type", type)
                .get("/admin/realms/{realm}/guard-audit/records", realm.name)
                .then().statusCode(200).extract().jsonPath().getList("$");
    }

    static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find(), "no hidden field " + name + " on:\n" + html);
        return m.group(1);
    }
}
