package io.keycloakguard.authenticators.notify;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.LoginActionsService;

import jakarta.ws.rs.core.UriInfo;
import java.util.Optional;

/** Builds the "this wasn't me" link: Keycloak's action-token URL carrying a {@link NotMeActionToken}. */
final class NotMeLink {

    /** The link and the moment (epoch seconds) it stops working. */
    record Link(String url, int expiresAt) {
    }

    private NotMeLink() {
    }

    /** Empty when Keycloak's URLs follow the request (a dynamic hostname): see {@link EmailLinks}. */
    static Optional<Link> create(KeycloakSession session, RealmModel realm, UserModel user, NewDeviceNotice notice) {
        Optional<UriInfo> uri = EmailLinks.configuredUri(session, realm,
                "The new-device email goes out without its \"this wasn't me\" link");
        if (uri.isEmpty()) {
            return Optional.empty();
        }
        int expiresAt = Time.currentTime() + lifespanSeconds(
                realm.getUserActionTokenLifespans().get(NotMeActionToken.TOKEN_TYPE),
                realm.getActionTokenGeneratedByAdminLifespan());
        String key = new NotMeActionToken(user.getId(), expiresAt, notice.deviceId(), notice.newNetwork(), user.getEmail())
                .serialize(session, realm, uri.get());
        String url = LoginActionsService.actionTokenProcessor(uri.get()).queryParam("key", key)
                .build(realm.getName()).toString();
        return Optional.of(new Link(url, expiresAt));
    }

    /**
     * The realm's own per-action override for {@code guard-not-me} when an admin set one; otherwise the
     * lifespan of admin-initiated actions (12 hours by default). The email arrives unasked and is often read
     * hours later, like an admin's execute-actions email; the 5-minute default of user-initiated actions
     * would make the link useless.
     */
    static int lifespanSeconds(Integer override, int adminInitiatedLifespan) {
        if (override != null && override > 0) {
            return override;
        }
        return adminInitiatedLifespan > 0 ? adminInitiatedLifespan : 12 * 60 * 60;
    }
}
