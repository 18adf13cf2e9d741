package io.keycloakguard.events.revocation;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RevokedTokenExpiryTest {

    private static String jwt(String payloadJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    @Test
    void theExpiryOfTheTokenTheEventNames() {
        assertEquals(1_800_003_600L, RevokedTokenExpiry.expiryIfId(jwt("{\"jti\":\"j1\",\"exp\":1800003600}"), "j1"));
    }

    @Test
    void nothingForAnotherTokenOrAnUnreadableOne() {
        assertEquals(0, RevokedTokenExpiry.expiryIfId(jwt("{\"jti\":\"j2\",\"exp\":1800003600}"), "j1"));
        assertEquals(0, RevokedTokenExpiry.expiryIfId(jwt("{\"jti\":\"j1\"}"), "j1"));
        assertEquals(0, RevokedTokenExpiry.expiryIfId("not-a-jwt", "j1"));
        assertEquals(0, RevokedTokenExpiry.expiryIfId("a.%%%.c", "j1"));
    }
}
