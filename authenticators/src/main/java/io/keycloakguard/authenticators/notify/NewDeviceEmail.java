package io.keycloakguard.authenticators.notify;

import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The email sent when a user signs in from a device they have not used before: device, IP address and time,
 * and a "this wasn't me" link ({@link NotMeActionToken}). Sent with Keycloak's email sender and the realm's
 * email theme; the templates and messages ship in the pack's {@code theme-resources}, which every theme
 * type, email included, falls back to.
 */
public final class NewDeviceEmail {

    static final String TEMPLATE = "guard-new-device.ftl";
    static final String SUBJECT = "guardNewDeviceSubject";
    /** Read by Keycloak's email template provider: the email's language follows the user, not the new browser. */
    private static final String IGNORE_ACCEPT_LANGUAGE = "IGNORE_ACCEPT_LANGUAGE_HEADER";
    private static final String SEND_FAILED = "send-failed:";

    private static final Logger LOG = Logger.getLogger(NewDeviceEmail.class);
    private static final OnceLog ONCE = new OnceLog(LOG);

    private NewDeviceEmail() {
    }

    /**
     * Sends the email to the user's address. Never fails the sign-in: without an address, without SMTP
     * settings in the realm, or when the mail server refuses or is down, it logs once per realm and cause and
     * returns.
     */
    public static void send(KeycloakSession session, RealmModel realm, UserModel user, NewDeviceNotice notice) {
        try {
            String email = user.getEmail();
            if (email == null || email.isBlank()) {
                ONCE.warn(realm.getId(), "no-email", "New-device email not sent in realm " + realm.getName()
                        + ": user " + user.getId() + " has no email address (logged once per realm)");
                return;
            }
            Map<String, String> smtp = realm.getSmtpConfig();
            if (smtp == null || smtp.get("host") == null || smtp.get("host").isBlank()) {
                ONCE.warn(realm.getId(), "no-smtp", "New-device emails are not sent in realm " + realm.getName()
                        + ": the realm has no SMTP server (Realm settings > Email)");
                return;
            }
            NotMeLink.Link link = NotMeLink.create(session, realm, user);
            Locale locale = session.getContext().resolveLocale(user, true);
            session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
                    .send(SUBJECT, List.of(realmName(realm)), TEMPLATE, attributes(user, notice, link, locale));
            ONCE.clear(realm.getId(), SEND_FAILED);
            LOG.debugf("New-device email sent to user %s of realm %s", user.getId(), realm.getName());
        } catch (EmailException | RuntimeException e) {
            Throwable root = rootCause(e);
            ONCE.warn(realm.getId(), SEND_FAILED + root.getClass().getName(), "New-device email to user "
                    + user.getId() + " of realm " + realm.getName() + " not sent: " + e.getMessage()
                    + (root != e ? " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")" : ""));
        }
    }

    static Map<String, Object> attributes(UserModel user, NewDeviceNotice notice, NotMeLink.Link link, Locale locale) {
        Map<String, Object> a = new HashMap<>();
        a.put(IGNORE_ACCEPT_LANGUAGE, Boolean.TRUE);
        a.put("guardUsername", user.getUsername());
        putIfPresent(a, "guardBrowser", NoticeText.clean(notice.browser()));
        putIfPresent(a, "guardOs", NoticeText.clean(notice.os()));
        String ip = NoticeText.clean(notice.ip());
        putIfPresent(a, "guardIp", "unknown".equals(ip) ? null : ip);
        a.put("guardTime", NoticeText.time(notice.timeMillis(), locale));
        a.put("guardLink", link.url());
        a.put("guardLinkExpires", NoticeText.time(link.expiresAt() * 1000L, locale));
        return a;
    }

    private static void putIfPresent(Map<String, Object> attributes, String name, String value) {
        if (value != null) {
            attributes.put(name, value);
        }
    }

    /** As Keycloak's email templates name the realm ({@code realmName}): the display name, else the capitalised name. */
    static String realmName(RealmModel realm) {
        String display = realm.getDisplayName();
        if (display != null && !display.isBlank()) {
            return display;
        }
        String name = realm.getName();
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        for (int i = 0; i < 10 && t.getCause() != null && t.getCause() != t; i++) {
            t = t.getCause();
        }
        return t;
    }
}
