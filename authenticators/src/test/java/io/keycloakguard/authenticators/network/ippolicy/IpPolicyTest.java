package io.keycloakguard.authenticators.network.ippolicy;

import io.keycloakguard.core.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpPolicyTest {

    private static IpPolicy.Decision decide(Map<String, String> raw, String ip, String client, Set<String> groups) {
        return IpPolicy.decide(IpPolicyConfig.parse(raw), ip, client, groups);
    }

    @Test
    void noConfigAllowsEveryReadableAddress() {
        assertTrue(decide(Map.of(), "198.51.100.1", "app", Set.of()).allowed());
        assertTrue(decide(Map.of(), "2001:db8::1", null, null).allowed());
        assertEquals("unknown-address", decide(Map.of(), "unknown", "app", Set.of()).reason());
    }

    @Test
    void realmAllowListMustMatchIpv4AndIpv6() {
        Map<String, String> config = Map.of("realmAllow", "10.0.0.0/8##2001:db8:10::/48");
        assertTrue(decide(config, "10.20.30.40", "app", Set.of()).allowed());
        assertTrue(decide(config, "2001:db8:10:5::1", "app", Set.of()).allowed());
        assertEquals("realm-allow", decide(config, "11.0.0.1", "app", Set.of()).reason());
        assertEquals("realm-allow", decide(config, "2001:db8:11::1", "app", Set.of()).reason());
    }

    @Test
    void denyWinsOverEveryAllowList() {
        Map<String, String> config = Map.of("realmAllow", "10.0.0.0/8", "realmDeny", "10.66.0.0/16, 2001:db8:bad::/48",
                "clientRules", "app=10.66.1.0/24", "groupRules", "/staff=10.66.2.0/24");
        assertEquals("realm-deny", decide(config, "10.66.1.5", "app", Set.of("/staff")).reason());
        assertEquals("realm-deny", decide(config, "2001:db8:bad::1", "app", Set.of()).reason());
    }

    @Test
    void clientRulesAddToTheRealmLists() {
        Map<String, String> config = Map.of("realmAllow", "10.0.0.0/8",
                "clientRules", "kiosk=10.1.2.0/24##partner=!10.9.0.0/16");
        assertTrue(decide(config, "10.1.2.3", "kiosk", Set.of()).allowed());
        assertEquals("client-allow:kiosk", decide(config, "10.1.3.3", "kiosk", Set.of()).reason());
        assertTrue(decide(config, "10.1.3.3", "other", Set.of()).allowed());
        assertEquals("client-deny:partner", decide(config, "10.9.1.1", "partner", Set.of()).reason());
        assertTrue(decide(config, "10.8.1.1", "partner", Set.of()).allowed());
        assertEquals("realm-allow", decide(config, "192.0.2.1", "partner", Set.of()).reason());
    }

    @Test
    void groupRulesApplyToMembersOfTheGroupAndItsSubgroupsAndAreUnitedAcrossGroups() {
        Map<String, String> config = Map.of("groupRules",
                "/staff=198.51.100.0/24##/contractors=203.0.113.0/24##/staff/interns=!198.51.100.128/25");
        // The caller gives the paths of the user's groups and all their parents.
        Set<String> intern = Set.of("/staff", "/staff/interns");
        assertTrue(decide(config, "198.51.100.5", "app", intern).allowed());
        assertEquals("group-deny:/staff/interns", decide(config, "198.51.100.200", "app", intern).reason());
        assertEquals("group-allow:/staff", decide(config, "203.0.113.5", "app", Set.of("/staff")).reason());
        Set<String> both = Set.of("/staff", "/contractors");
        assertTrue(decide(config, "203.0.113.5", "app", both).allowed());
        assertTrue(decide(config, "198.51.100.5", "app", both).allowed());
        assertEquals("group-allow:/contractors,/staff", decide(config, "192.0.2.1", "app", both).reason());
        assertTrue(decide(config, "192.0.2.1", "app", Set.of("/other")).allowed());
    }

    @Test
    void groupRulesNeedTheUser() {
        assertEquals("group-rules-without-user",
                decide(Map.of("groupRules", "/staff=10.0.0.0/8"), "10.0.0.1", "app", null).reason());
        assertTrue(decide(Map.of("realmAllow", "10.0.0.0/8"), "10.0.0.1", "app", null).allowed());
    }

    @Test
    void everyBadEntryIsNamed() {
        String message = assertThrows(InvalidConfigurationException.class, () -> IpPolicyConfig.parse(Map.of(
                "realmAllow", "10.0.0.0/8##10.0.0.0/33",
                "realmDeny", "2001:db8::/129 fe80::1",
                "clientRules", "kiosk=10.1.2.0/24 300.1.1.1##broken##kiosk=10.0.0.0/8##web=! 10.0.0.0/8",
                "groupRules", "staff=10.0.0.0/8##/ops=!bad")))
                .getMessage();
        for (String expected : List.of("Realm allow list: not an IPv4 or IPv6 network (CIDR): '10.0.0.0/33'",
                "Realm deny list: not an IPv4 or IPv6 network (CIDR): '2001:db8::/129'",
                "Client rules (kiosk): not an IPv4 or IPv6 network (CIDR): '300.1.1.1'",
                "Client rules: 'broken' must look like clientId=network",
                "Client rules: 'kiosk' is listed twice",
                "Client rules (web): '!' must be followed by a network",
                "Group rules: 'staff' must be a group path", "Group rules (/ops): not an IPv4 or IPv6 network (CIDR): 'bad'")) {
            assertTrue(message.contains(expected), expected + " missing in: " + message);
        }
        assertFalse(message.contains("fe80::1"), message);
    }

    @Test
    void readingKeepsTheRuleNamesOfABadConfigSoTheyCanBeCheckedToo() {
        IpPolicyConfig.Reading reading = IpPolicyConfig.read(Map.of("realmAllow", "10.0.0.0/33",
                "clientRules", "web=10.0.0.0/8##kiosk=bad", "groupRules", "/ops=10.0.0.0/8"));
        assertEquals(2, reading.problems().size(), reading.problems().toString());
        assertEquals(Set.of("web", "kiosk"), reading.config().clientRules().keySet());
        assertEquals(Set.of("/ops"), reading.config().groupRules().keySet());
    }

    @Test
    void namesMayContainEqualsSigns() {
        IpPolicyConfig config = IpPolicyConfig.parse(Map.of("groupRules", "/a=b=10.0.0.0/8"));
        assertTrue(config.groupRules().containsKey("/a=b"));
    }
}
