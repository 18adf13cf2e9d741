package io.keycloakguard.authenticators.notify;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The email sent when a user signs in from a device they have not used before: device, IP address and time,
 * and a "this wasn't me" link ({@link NotMeActionToken}) when Keycloak's URLs follow configuration
 * ({@link EmailLinks}). Sent with Keycloak's email sender and the realm's email theme; the templates and
 * messages ship in the pack's {@code theme-resources}, which every theme type, email included, falls back to.
 */
public final class NewDeviceEmail {

    static final String TEMPLATE = "guard-new-device.ftl";
    static final String SUBJECT = "guardNewDeviceSubject";
    /** Read by Keycloak's email template provider: the email's language follows the user, not the new browser. */
    static final String IGNORE_ACCEPT_LANGUAGE = "IGNORE_ACCEPT_LANGUAGE_HEADER";

    private static final Logger LOG = Logger.getLogger(NewDeviceEmail.class);
    private static final MailSending MAIL = new MailSending(LOG, "New-device email");

    private NewDeviceEmail() {
    }

    /**
     * Prepares the email (its link signed now) and sends it to the user's address once the sign-in's transaction
     * has committed (see {@link MailSending}). Never fails the sign-in.
     */
    public static void sendAfterCommit(KeycloakSession session, RealmModel realm, UserModel user, NewDeviceNotice notice) {
        try {
            if (!MAIL.possible(realm, user)) {
                return;
            }
            Optional<NotMeLink.Link> link = NotMeLink.create(session, realm, user, notice);
            Locale locale = session.getContext().resolveLocale(user, true);
            MAIL.afterCommit(session, realm, user, SUBJECT, List.of(realmName(realm)), TEMPLATE,
                    attributes(user, notice, link.orElse(null), locale));
        } catch (RuntimeException e) {
            LOG.warnf(e, "New-device email to user %s of realm %s not prepared", user.getId(), realm.getName());
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
        if (link != null) {
            a.put("guardLink", link.url());
            a.put("guardLinkExpires", NoticeText.time(link.expiresAt() * 1000L, locale));
        }
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
}
