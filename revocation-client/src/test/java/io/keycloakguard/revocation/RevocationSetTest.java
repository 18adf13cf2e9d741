package io.keycloakguard.revocation;

import org.junit.jupiter.api.Test;

import io.keycloakguard.revocation.contract.Revocation;
import io.keycloakguard.revocation.contract.RevocationKind;

import java.util.Date;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RevocationSetTest {

    private final RevocationSet set = new RevocationSet();

    private static Revocation revocation(RevocationKind kind, String subject, String client, long time) {
        return Revocation.of("r", kind, subject, client, time, time + 900, "test");
    }

    @Test
    void sessionAndTokenRevocationsMatchByIdOnly() {
        set.apply(revocation(RevocationKind.SESSION, "sid-1", null, 100));
        set.apply(revocation(RevocationKind.TOKEN, "jti-1", null, 100));

        assertTrue(set.isRevoked(null, "sid-1", "u", "app", 500));
        assertTrue(set.isRevoked("jti-1", "sid-2", "u", "app", 500));
        assertFalse(set.isRevoked("jti-2", "sid-2", "u", "app", 500));
    }

    @Test
    void userRevocationCoversTokensIssuedUpToItsTime() {
        set.apply(revocation(RevocationKind.USER, "u1", null, 100));

        assertTrue(set.isRevoked(null, null, "u1", "app", 99));
        assertTrue(set.isRevoked(null, null, "u1", "app", 100), "same second counts as before");
        assertFalse(set.isRevoked(null, null, "u1", "app", 101), "a login after the revocation is valid");
        assertFalse(set.isRevoked(null, null, "u2", "app", 50));
    }

    @Test
    void revokingAllUsersCoversEveryTokenIssuedBefore() {
        set.apply(revocation(RevocationKind.USER, RevocationSet.ALL_USERS, null, 100));
        assertTrue(set.isRevoked(null, null, "anyone", "app", 100));
        assertTrue(set.isRevoked("jti", "sid", null, null, 50));
        assertFalse(set.isRevoked(null, null, "anyone", "app", 101));
    }

    @Test
    void clientGrantRevocationCoversOnlyThatClient() {
        set.apply(revocation(RevocationKind.CLIENT_GRANT, "u1", "app", 100));

        assertTrue(set.isRevoked(null, null, "u1", "app", 90));
        assertFalse(set.isRevoked(null, null, "u1", "other", 90));
        assertFalse(set.isRevoked(null, null, "u1", "app", 101));
    }

    @Test
    void laterRevocationsOfTheSameUserWin() {
        set.apply(revocation(RevocationKind.USER, "u1", null, 200));
        set.apply(revocation(RevocationKind.USER, "u1", null, 100));
        assertTrue(set.isRevoked(null, null, "u1", null, 150), "the older revocation must not shorten the newer");
    }

    @Test
    void readsClaimsMapsAsJwtLibrariesGiveThem() {
        set.apply(revocation(RevocationKind.USER, "u1", null, 100));
        assertTrue(set.isRevoked(Map.of("sub", "u1", "iat", 90L)));
        assertTrue(set.isRevoked(Map.of("sub", "u1", "iat", new Date(90_000))));
        assertFalse(set.isRevoked(Map.of("sub", "u1", "iat", 120)));
        assertTrue(set.isRevoked(Map.of("sub", "u1")), "no iat: cannot prove it is newer, so revoked");
    }

    @Test
    void forgetsExpiredRevocations() {
        set.apply(Revocation.of("r", RevocationKind.SESSION, "old", null, 100, 200, "t"));
        set.apply(Revocation.of("r", RevocationKind.SESSION, "new", null, 100, 1000, "t"));
        set.removeExpired(500);
        assertEquals(1, set.size());
        assertTrue(set.isRevoked(null, "new", null, null, 0));
    }

    @Test
    void jsonRoundTrip() {
        Revocation r = revocation(RevocationKind.CLIENT_GRANT, "u1", "app", 100);
        assertEquals(r, Revocation.fromJson(r.toJson()));
        assertEquals("client-grant:u1:app", r.key());
    }
}
