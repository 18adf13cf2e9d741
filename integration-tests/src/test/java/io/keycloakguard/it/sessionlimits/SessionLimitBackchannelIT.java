package io.keycloakguard.it.sessionlimits;

import io.keycloakguard.it.harness.AuthFlows;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.keycloakguard.it.sessionlimits.DemoRealm.PASSWORD;
import static io.keycloakguard.it.sessionlimits.DemoRealm.REALM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The limiter ends sessions under the user's lock inside a login; their clients' back-channel logouts are sent
 * only after that login committed. A client whose logout URL stalls then holds neither the user's other logins
 * (the lock) nor a database transaction.
 */
@ExtendWith(KeycloakGuardExtension.class)
class SessionLimitBackchannelIT {

    /** A bound for a run on a crowded machine, not a measurement: the assertions are about order. */
    private static final long SAFETY_SECONDS = 120;

    static GuardEnvironment env;

    @BeforeAll
    static void setUp(GuardEnvironment environment) {
        env = environment;
        DemoRealm.env = environment;
    }

    @Test
    void aStalledBackChannelLogoutDoesNotHoldTheUsersNextLogin() throws Exception {
        try (StallingLogoutReceiver slowClient = StallingLogoutReceiver.start()) {
            String slowClientId = "slow-rp-" + UUID.randomUUID().toString().substring(0, 6);
            new AuthFlows(env.admin(), REALM).createClient(slowClientId, "http://127.0.0.1:9/" + slowClientId + "/cb",
                    null, null, slowClient.clientAttributes());
            LimitedClient limited = LimitedClient.create(env, REALM, "stall",
                    Map.of("realmLimit", "1", "onExceed", "end-oldest"));
            String user = DemoRealm.newUser("stall");
            Map<String, Object> atSlowClient = Tokens.passwordGrant(env.baseUrl(), REALM, slowClientId, user, PASSWORD);

            // The second login ends the slow client's session; the client's logout URL stalls.
            CompletableFuture<Response> second = CompletableFuture.supplyAsync(() -> limited.passwordGrant(user, PASSWORD));
            assertTrue(slowClient.awaitRequest(SAFETY_SECONDS), "the slow client receives the back-channel logout");

            // While it still stalls, a third login of the same user runs the limiter (and takes the lock) again.
            CompletableFuture<Response> third = CompletableFuture.supplyAsync(() -> limited.passwordGrant(user, PASSWORD));
            Response thirdResponse;
            try {
                thirdResponse = third.get(SAFETY_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                slowClient.release();
                fail("the third login waited for the second login's stalled back-channel logout");
                return;
            }
            boolean secondStillStalled = !second.isDone() && slowClient.sessionsLoggedOut().size() == 1;
            slowClient.release();

            assertEquals(200, thirdResponse.statusCode(), "the third login, while the logout stalls: "
                    + thirdResponse.asString());
            assertTrue(secondStillStalled, "the third login completed while the back-channel logout still stalled");
            assertEquals(200, second.get(SAFETY_SECONDS, TimeUnit.SECONDS).statusCode(), "the second login, once released");
            assertEquals(List.of(DemoRealm.sid(atSlowClient)), slowClient.sessionsLoggedOut(),
                    "the slow client was told of its session's end, once");
            assertEquals(List.of(DemoRealm.sid(thirdResponse.as(Map.class))), DemoRealm.sessionIds(user),
                    "the limit holds: only the newest session is left");
        }
    }
}
