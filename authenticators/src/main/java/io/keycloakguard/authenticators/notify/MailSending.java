package io.keycloakguard.authenticators.notify;

import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.List;
import java.util.Map;

/**
 * Sends one of the pack's emails with Keycloak's sender and the realm's email theme, <em>after</em> the request's
 * transaction committed: a slow or dead mail server then holds no database transaction, no row lock (the user's
 * other sign-ins wait for none) and nothing is mailed about a change that rolled back. Never fails the request:
 * without an address, without SMTP settings, or when the mail server refuses or is down, it logs once per realm
 * and cause.
 */
final class MailSending {

    private static final String SEND_FAILED = "send-failed:";

    private final Logger log;
    private final OnceLog once;
    /** How the log names the email, e.g. "New-device email". */
    private final String label;

    MailSending(Logger log, String label) {
        this.log = log;
        this.once = new OnceLog(log);
        this.label = label;
    }

    /** Whether the user has an address and the realm a mail server; logs once per realm when not. */
    boolean possible(RealmModel realm, UserModel user) {
        String email = user.getEmail();
        if (email == null || email.isBlank()) {
            once.warn(realm.getId(), "no-email", label + " not sent in realm " + realm.getName()
                    + ": user " + user.getId() + " has no email address (logged once per realm)");
            return false;
        }
        Map<String, String> smtp = realm.getSmtpConfig();
        if (smtp == null || smtp.get("host") == null || smtp.get("host").isBlank()) {
            once.warn(realm.getId(), "no-smtp", label + "s are not sent in realm " + realm.getName()
                    + ": the realm has no SMTP server (Realm settings > Email)");
            return false;
        }
        return true;
    }

    /** Sends once the request's transaction has committed (nothing when it rolls back). */
    void afterCommit(KeycloakSession session, RealmModel realm, UserModel user, String subjectKey,
                     List<Object> subjectParameters, String template, Map<String, Object> attributes) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                send(session, realm, user, subjectKey, subjectParameters, template, attributes);
            }

            @Override
            protected void rollbackImpl() {
                // The sign-in or the change it reports did not happen.
            }
        });
    }

    private void send(KeycloakSession session, RealmModel realm, UserModel user, String subjectKey,
                      List<Object> subjectParameters, String template, Map<String, Object> attributes) {
        try {
            session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
                    .send(subjectKey, subjectParameters, template, attributes);
            once.clear(realm.getId(), SEND_FAILED);
            log.debugf("%s sent to user %s of realm %s", label, user.getId(), realm.getName());
        } catch (EmailException | RuntimeException e) {
            Throwable root = rootCause(e);
            once.warn(realm.getId(), SEND_FAILED + root.getClass().getName(), label + " to user "
                    + user.getId() + " of realm " + realm.getName() + " not sent: " + e.getMessage()
                    + (root != e ? " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")" : ""));
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        for (int i = 0; i < 10 && t.getCause() != null && t.getCause() != t; i++) {
            t = t.getCause();
        }
        return t;
    }
}
