package io.keycloakguard.sessionlimits.policy;

import io.keycloakguard.sessionlimits.config.SessionLimitConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LimitResolverTest {

    private final SessionLimitConfig config = SessionLimitConfig.parse(Map.of(
            SessionLimitConfig.REALM_LIMIT, "2",
            SessionLimitConfig.CLIENT_LIMITS, "kiosk=1",
            SessionLimitConfig.ROLE_LIMITS, "premium=5##vip=8##unlimited=0",
            SessionLimitConfig.GROUP_LIMITS, "/staff=4##/staff/support=6##/partners=3"));

    private ResolvedLimit resolve(String attribute, String client, Set<String> roles, List<String> groups) {
        return LimitResolver.resolve(config, attribute, client, roles, groups, v -> { });
    }

    @Test
    void realmLimitWhenNothingElseMatches() {
        ResolvedLimit limit = resolve(null, "app", Set.of("user"), List.of());
        assertEquals(2, limit.limit());
        assertEquals("realm", limit.policy());
        assertNull(limit.clientScope());
    }

    @Test
    void roleBeatsRealmAndMostGenerousRoleWins() {
        assertEquals(8, resolve(null, "app", Set.of("premium", "vip"), List.of()).limit());
        assertEquals(0, resolve(null, "app", Set.of("premium", "unlimited"), List.of()).limit());
    }

    @Test
    void groupBeatsRoleAndDeepestGroupWins() {
        ResolvedLimit limit = resolve(null, "app", Set.of("vip"), List.of("/staff/support/tier2"));
        assertEquals(6, limit.limit());
        assertEquals("group:/staff/support", limit.policy());
        assertEquals(4, resolve(null, "app", Set.of(), List.of("/staff/sales")).limit());
        assertEquals(4, resolve(null, "app", Set.of(), List.of("/staff", "/partners")).limit());
    }

    @Test
    void groupPathPrefixIsNotMembership() {
        assertEquals(2, resolve(null, "app", Set.of(), List.of("/staffing")).limit());
    }

    @Test
    void clientBeatsGroupAndCountsOnlyThatClient() {
        ResolvedLimit limit = resolve(null, "kiosk", Set.of("vip"), List.of("/staff/support"));
        assertEquals(1, limit.limit());
        assertEquals("kiosk", limit.clientScope());
    }

    @Test
    void userAttributeBeatsEverythingAndZeroMeansUnlimited() {
        assertEquals(7, resolve("7", "kiosk", Set.of("vip"), List.of("/staff")).limit());
        assertTrue(resolve("0", "kiosk", Set.of(), List.of()).unlimited());
    }

    @Test
    void invalidUserAttributeIsReportedAndIgnored() {
        List<String> invalid = new ArrayList<>();
        ResolvedLimit limit = LimitResolver.resolve(config, "many", "app", Set.of("premium"), List.of(), invalid::add);
        assertEquals(5, limit.limit());
        assertEquals(List.of("many"), invalid);
    }

    @Test
    void noRulesMeansNoLimit() {
        assertTrue(LimitResolver.resolve(SessionLimitConfig.UNLIMITED, null, "app", Set.of(), List.of(), v -> { })
                .unlimited());
    }
}
