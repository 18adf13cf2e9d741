package io.keycloakguard.authenticators.notify;

import org.jboss.logging.Logger;
import org.keycloak.authentication.actiontoken.execactions.ExecuteActionsActionToken;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.LoginActionsService;

import jakarta.ws.rs.core.UriInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * After a confirmed "this wasn't me": the email with which the owner of the account's address sets a new
 * password. Its link is Keycloak's own "execute actions" token (what an admin's "Send email > Update password"
 * sends), bound to the user and to the address, so it stops working if the address changes; Keycloak's
 * Update-Password page and its password policy do the rest.
 */
final class NewPasswordEmail {

    static final String TEMPLATE = "guard-not-me-reset.ftl";
    static final String SUBJECT = "guardNotMeResetSubject";

    private static final Logger LOG = Logger.getLogger(NewPasswordEmail.class);
    private static final MailSending MAIL = new MailSending(LOG, "New-password email");

    private NewPasswordEmail() {
    }

    /** Whether the email will go out (after commit); false without address, SMTP or a configured hostname. */
    static boolean sendAfterCommit(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!MAIL.possible(realm, user)) {
            return false;
        }
        Optional<UriInfo> uri = EmailLinks.configuredUri(session, realm,
                "No new-password email is sent after a \"this wasn't me\" report");
        if (uri.isEmpty()) {
            return false;
        }
        int expiresAt = Time.currentTime() + NotMeLink.lifespanSeconds(null, realm.getActionTokenGeneratedByAdminLifespan());
        String key = new ExecuteActionsActionToken(user.getId(), user.getEmail(), expiresAt,
                List.of(UserModel.RequiredAction.UPDATE_PASSWORD.name()), null, null).serialize(session, realm, uri.get());
        String link = LoginActionsService.actionTokenProcessor(uri.get()).queryParam("key", key)
                .build(realm.getName()).toString();
        Locale locale = session.getContext().resolveLocale(user, true);
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(NewDeviceEmail.IGNORE_ACCEPT_LANGUAGE, Boolean.TRUE);
        attributes.put("guardUsername", user.getUsername());
        attributes.put("guardLink", link);
        attributes.put("guardLinkExpires", NoticeText.time(expiresAt * 1000L, locale));
        MAIL.afterCommit(session, realm, user, SUBJECT, List.of(NewDeviceEmail.realmName(realm)), TEMPLATE, attributes);
        return true;
    }
}
