package io.keycloakguard.authenticators.devices.flow;

import io.keycloakguard.authenticators.devices.DeviceCookie;
import io.keycloakguard.core.sessions.BrowserDevice;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.Optional;

/**
 * {@code guard-device-recorder} event listener: records the sign-ins "Guard: remember device" marked, once
 * Keycloak reports them completed ({@code LOGIN}: after the whole flow, required actions and consent), in that
 * request's transaction. Global, so it needs no set-up in the realm; a LOGIN without a mark costs a look at the
 * new user session.
 */
public class CompletedSignInRecorderFactory implements EventListenerProviderFactory, BrowserDevice {

    /** The authenticator's id: one feature, one name in the docs. */
    public static final String ID = DeviceRecorderFactory.ID;

    private static final Logger LOG = Logger.getLogger(CompletedSignInRecorderFactory.class);

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new Listener(session);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    /** The device the browser's signed cookie proves for the user (the session chooser's "this device"). */
    @Override
    public Optional<String> deviceOf(KeycloakSession session, RealmModel realm, String userId) {
        return DeviceCookie.verifiedDeviceId(session, realm, userId);
    }

    private record Listener(KeycloakSession session) implements EventListenerProvider {

        @Override
        public void onEvent(Event event) {
            if (event.getType() != EventType.LOGIN || event.getUserId() == null || event.getRealmId() == null) {
                return;
            }
            RealmModel realm = session.realms().getRealm(event.getRealmId());
            Optional<PendingRecord> pending = realm == null ? Optional.empty() : takePending(realm, event);
            if (pending.isEmpty()) {
                return; // no "remember device" in this sign-in's flow (or an SSO sign-in that skipped it)
            }
            UserModel user = session.users().getUserById(realm, event.getUserId());
            if (user == null) {
                return;
            }
            try {
                String deviceId = new SignInRecording(session, realm, user).record(pending.get(), event.getClientId());
                linkSession(realm, event.getSessionId(), deviceId);
            } catch (RuntimeException e) {
                // Keycloak's event dispatch would log it without saying what was lost.
                LOG.warnf(e, "Sign-in of user %s in realm %s completed but was not recorded as a known device",
                        user.getId(), realm.getName());
            }
        }

        /**
         * The mark of this sign-in, removed wherever it is so that it is recorded once. In this request when the
         * flow ended in it (the direct grant's authentication session is in no context); else in the
         * authentication session Keycloak completes (after required actions, in a later request), or in the user
         * session, to which Keycloak copies it when it creates that session for the sign-in: ending another
         * session on the way (the session chooser's back-channel logout) leaves a logout authentication session
         * in the request's context and removes the browser's.
         */
        private Optional<PendingRecord> takePending(RealmModel realm, Event event) {
            String userId = event.getUserId();
            PendingRecord inRequest = session.getAttribute(DeviceRecorder.SESSION_ATTRIBUTE, PendingRecord.class);
            session.removeAttribute(DeviceRecorder.SESSION_ATTRIBUTE);
            Optional<PendingRecord> inAuthSession = Optional.empty();
            AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
            if (authSession != null && authSession.getAuthNote(PendingRecord.NOTE) != null) {
                inAuthSession = PendingRecord.fromNote(authSession.getAuthNote(PendingRecord.NOTE));
                authSession.removeAuthNote(PendingRecord.NOTE);
            }
            Optional<PendingRecord> inUserSession = Optional.empty();
            UserSessionModel userSession = event.getSessionId() == null ? null
                    : session.sessions().getUserSession(realm, event.getSessionId());
            if (userSession != null && userSession.getNote(PendingRecord.NOTE) != null) {
                inUserSession = PendingRecord.fromNote(userSession.getNote(PendingRecord.NOTE));
                userSession.removeNote(PendingRecord.NOTE);
            }
            Optional<PendingRecord> pending = inRequest != null ? Optional.of(inRequest)
                    : inAuthSession.isPresent() ? inAuthSession : inUserSession;
            return pending.filter(p -> p.userId().equals(userId));
        }

        /** Marks the user session with the device it was signed in from: the session chooser's "this device". */
        private void linkSession(RealmModel realm, String sessionId, String deviceId) {
            if (deviceId == null || sessionId == null) {
                return;
            }
            UserSessionModel userSession = session.sessions().getUserSession(realm, sessionId);
            if (userSession != null) {
                userSession.setNote(BrowserDevice.SESSION_NOTE, deviceId);
            }
        }

        @Override
        public void onEvent(AdminEvent event, boolean includeRepresentation) {
        }

        @Override
        public void close() {
        }
    }
}
