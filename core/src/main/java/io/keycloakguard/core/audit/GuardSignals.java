package io.keycloakguard.core.audit;

/**
 * Every signal name the pack's features put into the audit trail, in one place: either as the Keycloak event
 * detail {@link #EVENT_DETAIL} (the audit listener turns it into the record's {@code signal}) or through
 * {@link AuditSignals#record}. The names are part of the record schema (docs/audit.md): a feature reuses its
 * constant, and a renamed signal is an incompatible change.
 */
public final class GuardSignals {

    /** The Keycloak event detail that names the pack's signal in an event a feature sends. */
    public static final String EVENT_DETAIL = "guard_event";

    public static final String SESSION_LIMIT_DENIED = "session_limit.denied";
    public static final String SESSION_LIMIT_ENDED = "session_limit.ended";
    public static final String SESSION_LIMIT_CANCELLED = "session_limit.cancelled";
    public static final String SESSION_LIMIT_INVALID_CHOICE = "session_limit.invalid_choice";
    public static final String SESSION_LIMIT_MISCONFIGURED = "session_limit.misconfigured";
    public static final String ACCOUNT_SESSION_ENDED = "account.session_ended";

    public static final String IP_POLICY_DENIED = "ip_policy.denied";
    public static final String IP_POLICY_MISCONFIGURED = "ip_policy.misconfigured";
    public static final String IP_RATE_LIMIT_BLOCKED = "ip_rate_limit.blocked";
    public static final String IP_RATE_LIMIT_UNAVAILABLE = "ip_rate_limit.unavailable";
    public static final String IP_RATE_LIMIT_MISCONFIGURED = "ip_rate_limit.misconfigured";
    public static final String NETWORK_BINDING_MISMATCH = "network_binding.mismatch";

    public static final String NOT_ME = "not_me";
    public static final String NOT_ME_REUSED = "not_me.reused";
    public static final String NOT_ME_ACCOUNT_SECURED = "not_me.account_secured";

    public static final String BROKER_BACKCHANNEL_LOGOUT = "broker_backchannel_logout";
    public static final String REVOCATION_ISSUED = "revocation.issued";

    private GuardSignals() {
    }
}
