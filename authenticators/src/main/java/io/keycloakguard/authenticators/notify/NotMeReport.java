package io.keycloakguard.authenticators.notify;

import io.keycloakguard.core.audit.GuardSignals;
import io.keycloakguard.authenticators.devices.KnownDevices;
import io.keycloakguard.core.audit.AuditSignals;
import io.keycloakguard.core.revocation.Revocations;
import io.keycloakguard.core.sessions.SessionEnding;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserConsentModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a confirmed "this wasn't me" does, in the request's transaction. The intruder knows the password, so
 * asking for a new one at the next sign-in would let whoever signs in first (the intruder) choose it: the
 * password is removed instead, and only the owner of the address the notice went to gets a link to set a new
 * one. Everything the reported sign-in made known (its device, its network) is forgotten, so the intruder's
 * browser steps up and is reported again; every session, offline ones included, and every consent is revoked.
 */
final class NotMeReport {

    static final String REASON = "not-me";
    static final String SIGNAL = GuardSignals.NOT_ME_ACCOUNT_SECURED;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final UserModel user;

    NotMeReport(KeycloakSession session, RealmModel realm, UserModel user) {
        this.session = session;
        this.realm = realm;
        this.user = user;
    }

    /**
     * @param sessionsEnded   sessions ended, online and offline
     * @param consentsRevoked consents revoked
     * @param passwordRemoved the user's password credentials were removed
     * @param accountHeld     the user was disabled instead: their password lives in a user federation (LDAP, ...)
     *                        the pack cannot change
     * @param resetEmail      "sent" (after commit), or why not: "no-email", "address-changed", "held"
     */
    record Outcome(int sessionsEnded, int consentsRevoked, boolean passwordRemoved, boolean accountHeld,
                   int devicesForgotten, int loginsForgotten, String resetEmail) {

        boolean resetEmailSent() {
            return "sent".equals(resetEmail);
        }

        Map<String, String> details() {
            Map<String, String> d = new TreeMap<>();
            d.put("sessions_ended", String.valueOf(sessionsEnded));
            d.put("consents_revoked", String.valueOf(consentsRevoked));
            d.put("password_removed", String.valueOf(passwordRemoved));
            d.put("account_held", String.valueOf(accountHeld));
            d.put("devices_forgotten", String.valueOf(devicesForgotten));
            d.put("logins_forgotten", String.valueOf(loginsForgotten));
            d.put("reset_email", resetEmail);
            return d;
        }
    }

    Outcome secure(NotMeActionToken token) {
        int ended = new SessionEnding(session, realm).endAll(user, REASON);
        int consents = revokeConsents();

        boolean held = user.getFederationLink() != null;
        boolean removed = false;
        if (held) {
            // The directory checks the password, not Keycloak: hold the account until an administrator acts.
            user.setEnabled(false);
        } else {
            List<String> passwords = user.credentialManager()
                    .getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE).map(c -> c.getId()).toList();
            passwords.forEach(id -> user.credentialManager().removeStoredCredentialById(id));
            removed = !passwords.isEmpty();
        }
        // Whoever signs in by other means (an identity provider, a passkey) first sets a password.
        user.addRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);

        KnownDevices.Forgotten forgotten = KnownDevices.of(session).forgetReported(realm, user.getId(),
                token.getReportedDevice(), token.getReportedNetwork());

        String resetEmail;
        if (held) {
            resetEmail = "held";
        } else if (token.getNoticeAddress() != null && !token.getNoticeAddress().equalsIgnoreCase(user.getEmail())) {
            // The account's address changed after the notice, possibly by the intruder: a link to set the password
            // must go to neither address; an administrator decides.
            resetEmail = "address-changed";
        } else {
            resetEmail = NewPasswordEmail.sendAfterCommit(session, realm, user) ? "sent" : "no-email";
        }
        Outcome outcome = new Outcome(ended, consents, removed, held, forgotten.devices(), forgotten.logins(), resetEmail);
        AuditSignals.record(session, realm, SIGNAL, user.getId(), outcome.details());
        return outcome;
    }

    private int revokeConsents() {
        List<UserConsentModel> consents = session.users().getConsentsStream(realm, user.getId()).toList();
        Revocations revocations = new Revocations(session);
        for (UserConsentModel consent : consents) {
            session.users().revokeConsentForClient(realm, user.getId(), consent.getClient().getId());
            revocations.revokeClientGrant(realm, user.getId(), consent.getClient().getClientId(), REASON);
        }
        return consents.size();
    }
}
