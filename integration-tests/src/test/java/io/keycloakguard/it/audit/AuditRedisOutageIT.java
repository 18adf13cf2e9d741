package io.keycloakguard.it.audit;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Redis stopped during logins: the logins succeed, and after Redis is back every record is in the stream, in order. */
@ExtendWith(KeycloakGuardExtension.class)
class AuditRedisOutageIT {

    @Test
    void loginsDuringARedisOutageAllReachTheStreamInOrder(GuardEnvironment env) {
        assumeTrue(env.redis().isPrivate(), "needs a Redis the test may stop");
        AuditRealm realm = AuditRealm.create(env, "outage");
        try {
            String userId = realm.createUser("outage");
            String username = realm.username(userId);
            realm.awaitShipped(1);

            List<String> sessions = new ArrayList<>();
            env.redis().stop();
            try {
                for (int i = 0; i < 10; i++) {
                    Map<String, Object> tokens = Tokens.passwordGrant(env.baseUrl(), realm.name, AuditRealm.CLIENT,
                            username, AuditRealm.PASSWORD);
                    assertNotNull(tokens.get("access_token"), "login " + i + " succeeds while Redis is down");
                    sessions.add((String) Tokens.claims((String) tokens.get("access_token")).get("sid"));
                }
                Tokens.passwordGrantResponse(env.baseUrl(), realm.name, AuditRealm.CLIENT, username, "wrong")
                        .then().statusCode(400);
                // The records are chained meanwhile (the database is up); the stream waits.
                Await.until(() -> realm.records(Map.of("user", userId, "max", 1000)).stream()
                                .filter(r -> "LOGIN".equals(r.get("type"))).count() == 10,
                        Duration.ofSeconds(30), "the ten logins are chained while Redis is down");
            } finally {
                env.redis().start();
            }

            long head = realm.awaitShipped(12);
            List<String> stream = realm.streamLines();
            // A restarted Redis may have lost what it held before; what it holds now is consecutive up to the head.
            long first = AuditRealm.seqOf(stream.get(0));
            for (int i = 0; i < stream.size(); i++) {
                assertEquals(first + i, AuditRealm.seqOf(stream.get(i)), "in order, none missing");
            }
            assertEquals(head, AuditRealm.seqOf(stream.get(stream.size() - 1)));
            List<Map<String, Object>> logins = stream.stream().map(AuditRealm::parse)
                    .filter(r -> "LOGIN".equals(r.get("type"))).toList();
            assertEquals(sessions, logins.stream().map(r -> (String) r.get("sessionId")).toList(),
                    "every login of the outage, in the order they happened");
            assertEquals(1, stream.stream().map(AuditRealm::parse).filter(r -> "LOGIN_ERROR".equals(r.get("type"))).count());
            AuditRealm.Verification check = AuditRealm.verifyStream(env, realm.streamKey());
            assertEquals(0, check.exitCode(), check.output());
        } finally {
            realm.delete();
        }
    }
}
