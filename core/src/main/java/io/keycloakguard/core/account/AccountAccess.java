package io.keycloakguard.core.account;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.NotFoundException;
import org.keycloak.models.AccountRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.AccessTokenIntrospectionProvider;
import org.keycloak.protocol.oidc.AccessTokenIntrospectionProviderFactory;
import org.keycloak.protocol.oidc.TokenIntrospectionProvider;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * The bearer-token check of the pack's account endpoints ({@code guard-account}, {@code guard-devices}), the same
 * as Keycloak's own account REST API ({@code AccountLoader} and {@code AccountRestService}): a valid access token of
 * a user (no service account) whose audience includes the realm's {@code account} client (401 otherwise), and the
 * {@code account} client's role an operation needs in the token (403 otherwise). A token of a client that was not
 * given account access (full scope off, no account roles) thus reads and changes nothing here, as there.
 */
public final class AccountAccess {

    private final AccessToken token;
    private final UserModel user;
    private final UserSessionModel userSession;
    private final ClientModel caller;
    private final ClientModel account;

    private AccountAccess(AccessToken token, UserModel user, UserSessionModel userSession, ClientModel caller,
                          ClientModel account) {
        this.token = token;
        this.user = user;
        this.userSession = userSession;
        this.caller = caller;
        this.account = account;
    }

    /** Authenticates the request's bearer token as Keycloak's account API does; throws 404/401 when it would. */
    public static AccountAccess authenticate(KeycloakSession session) {
        RealmModel realm = session.getContext().getRealm();
        ClientModel account = realm.getClientByClientId(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID);
        if (account == null || !account.isEnabled()) {
            throw new NotFoundException("account management not enabled");
        }
        AuthenticationManager.AuthResult auth = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
        // The getters: AuthResult is a class in Keycloak 26.4 and a record (with these getters too) from 26.5 on.
        if (auth == null || auth.getUser() == null) {
            throw new NotAuthorizedException("Bearer");
        }
        AccessToken token = auth.getToken();
        if (token.getAudience() == null || token.getResourceAccess(account.getClientId()) == null) {
            // A lightweight access token carries neither; Keycloak's account API reads them as introspection would.
            AccessTokenIntrospectionProvider introspection = (AccessTokenIntrospectionProvider) session.getProvider(
                    TokenIntrospectionProvider.class, AccessTokenIntrospectionProviderFactory.ACCESS_TOKEN_TYPE);
            token = introspection.transformAccessToken(token, auth.getSession());
        }
        if (!token.hasAudience(account.getClientId())) {
            throw new NotAuthorizedException("Bearer");
        }
        if (auth.getUser().getServiceAccountClientLink() != null) {
            throw new NotAuthorizedException("Bearer");
        }
        return new AccountAccess(token, auth.getUser(), auth.getSession(), auth.getClient(), account);
    }

    /** Reading the user's own data: {@code view-profile} or {@code manage-account}, as Keycloak's sessions list. */
    public AccountAccess requireView() {
        if (!hasAccountRole(AccountRoles.MANAGE_ACCOUNT) && !hasAccountRole(AccountRoles.VIEW_PROFILE)) {
            throw new ForbiddenException();
        }
        return this;
    }

    /** Changing the user's account (ending a session, forgetting a device): {@code manage-account}. */
    public AccountAccess requireManage() {
        if (!hasAccountRole(AccountRoles.MANAGE_ACCOUNT)) {
            throw new ForbiddenException();
        }
        return this;
    }

    private boolean hasAccountRole(String role) {
        AccessToken.Access access = token.getResourceAccess(account.getClientId());
        return access != null && access.isUserInRole(role);
    }

    public UserModel user() {
        return user;
    }

    /** The session the token belongs to, or null. */
    public UserSessionModel userSession() {
        return userSession;
    }

    /** The client the token was issued to. */
    public ClientModel client() {
        return caller;
    }
}
