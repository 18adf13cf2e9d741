package io.keycloakguard.authenticators.network.ippolicy;

import io.keycloakguard.core.net.CidrList;

/** The networks of one client or group rule: those it allows (empty: it restricts nothing) and those it denies. */
public record NetworkRule(CidrList allow, CidrList deny) {
}
