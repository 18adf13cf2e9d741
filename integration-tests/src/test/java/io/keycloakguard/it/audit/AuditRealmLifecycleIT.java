package io.keycloakguard.it.audit;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit trail of a realm deleted and created again under the same name. */
@ExtendWith(KeycloakGuardExtension.class)
class AuditRealmLifecycleIT {

    /**
     * The new realm's chain starts again at seq 1; its records reach Redis all the same (before, the stream was
     * keyed by the realm's name, and the sink skipped every seq at or below the deleted realm's last one). The
     * deleted realm's records stay where they were.
     */
    @Test
    void aRealmCreatedAgainUnderTheSameNameGetsAllItsRecordsIntoRedis(GuardEnvironment env) {
        AuditRealm first = AuditRealm.create(env, "recreated");
        String firstUser = first.createUser("before");
        for (int i = 0; i < 5; i++) {
            Tokens.passwordGrant(env.baseUrl(), first.name, AuditRealm.CLIENT, first.username(firstUser), AuditRealm.PASSWORD);
        }
        long firstHead = first.awaitShipped(5);
        List<String> firstStream = first.streamLines();

        AuditRealm second = first.recreate();
        try {
            assertEquals(first.name, second.name);
            assertNotEquals(first.id, second.id);
            String secondUser = second.createUser("after");
            Tokens.passwordGrant(env.baseUrl(), second.name, AuditRealm.CLIENT, second.username(secondUser),
                    AuditRealm.PASSWORD);
            long secondHead = second.awaitChained();
            assertTrue(secondHead >= 1 && secondHead < firstHead, "the new chain starts again: " + secondHead);

            second.awaitShipped(secondHead);
            List<String> secondStream = second.streamLines();
            assertEquals(secondHead, secondStream.size(), "every record of the new realm is in its stream");
            assertTrue(secondStream.stream().allMatch(l -> l.contains("\"realmId\":\"" + second.id + "\"")),
                    secondStream.toString());
            assertEquals(0, AuditRealm.verifyStream(env, second.streamKey()).exitCode(), "the new stream verifies");
            assertEquals(firstStream, first.streamLines(), "the deleted realm's stream is kept as it was");
        } finally {
            second.delete();
        }
    }
}
