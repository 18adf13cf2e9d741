package io.keycloakguard.authenticators.devices;

import org.junit.jupiter.api.Test;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceCookieValueTest {

    static final String REALM = "realm-1";
    static final String ALICE = "alice-id";
    static final String BOB = "bob-id";

    final SecretKey key = key();
    final SecretKey rotated = key();

    static SecretKey key() {
        byte[] b = new byte[64];
        new SecureRandom().nextBytes(b);
        return new SecretKeySpec(b, "HmacSHA512");
    }

    DeviceCookieValue issue(DeviceCookieValue current, String user, String device) {
        return current.withEntryFor(REALM, user, device, key, List.of(key));
    }

    @Test
    void anEntryProvesTheDeviceOnlyForTheUserItWasIssuedTo() {
        String device = UUID.randomUUID().toString();
        DeviceCookieValue value = DeviceCookieValue.parse(issue(DeviceCookieValue.parse(null), ALICE, device).toString());
        assertEquals(Optional.of(new DeviceCookie.Claim(device, true)), value.claimFor(REALM, ALICE, List.of(key)));
        assertEquals(Optional.empty(), value.claimFor(REALM, BOB, List.of(key)), "Alice's cookie proves nothing for Bob");
        assertEquals(Optional.empty(), value.claimFor("realm-2", ALICE, List.of(key)), "nor in another realm");
        assertEquals(Optional.empty(), value.claimFor(REALM, ALICE, List.of(key())), "nor with another realm key");
    }

    @Test
    void aSharedBrowserKeepsOneEntryPerUserNewestFirst() {
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        DeviceCookieValue value = issue(issue(DeviceCookieValue.parse(null), ALICE, a), BOB, b);
        assertEquals(a, value.claimFor(REALM, ALICE, List.of(key)).orElseThrow().id());
        assertEquals(b, value.claimFor(REALM, BOB, List.of(key)).orElseThrow().id());
        assertTrue(value.toString().startsWith(b + "."), value.toString());
        // Alice again: her entry replaced (not duplicated) and first.
        DeviceCookieValue again = issue(value, ALICE, a);
        assertEquals(2, again.entries().size());
        assertTrue(again.toString().startsWith(a + "."));
    }

    @Test
    void atMostFiveEntriesTheOldestFallsOff() {
        DeviceCookieValue value = DeviceCookieValue.parse(null);
        for (int i = 0; i < 7; i++) {
            value = issue(value, "user-" + i, UUID.randomUUID().toString());
        }
        assertEquals(DeviceCookieValue.MAX_ENTRIES, value.entries().size());
        assertTrue(value.claimFor(REALM, "user-6", List.of(key)).isPresent());
        assertFalse(value.claimFor(REALM, "user-0", List.of(key)).isPresent());
        assertEquals(DeviceCookieValue.MAX_ENTRIES, DeviceCookieValue.parse(value + "~" + value).entries().size());
    }

    @Test
    void anyKeyOfTheRealmVerifies() {
        String device = UUID.randomUUID().toString();
        DeviceCookieValue value = issue(DeviceCookieValue.parse(null), ALICE, device);
        assertTrue(value.claimFor(REALM, ALICE, List.of(rotated, key)).isPresent());
    }

    @Test
    void aFirstFormatCookieIsAnUnboundClaim() {
        String device = UUID.randomUUID().toString();
        String v1 = device + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(DeviceCookie.signUnbound(key, REALM, device));
        assertEquals(Optional.of(new DeviceCookie.Claim(device, false)),
                DeviceCookieValue.parse(v1).claimFor(REALM, BOB, List.of(key)));
        // Issuing for Alice keeps it for whoever else relied on it, after Alice's own entry.
        DeviceCookieValue next = issue(DeviceCookieValue.parse(v1), ALICE, UUID.randomUUID().toString());
        assertEquals(2, next.entries().size());
    }

    @Test
    void garbageIsNoEntry() {
        String device = UUID.randomUUID().toString();
        for (String raw : List.of("", "garbage", "x".repeat(5000), device, device + ".%%%%", "~~~",
                device + "." + "A".repeat(42), device.toUpperCase() + "." + "A".repeat(43))) {
            assertTrue(DeviceCookieValue.parse(raw).claimFor(REALM, ALICE, List.of(key)).isEmpty(), raw);
        }
        String good = issue(DeviceCookieValue.parse(null), ALICE, device).toString();
        assertEquals(1, DeviceCookieValue.parse("junk~" + good + "~junk").entries().size(), "the good entry survives");
    }
}
