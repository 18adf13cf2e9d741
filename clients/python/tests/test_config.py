"""Configuration names and environment variables (the same in every language's package)."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

from keycloak_guard import KeycloakGuard, Settings
from keycloak_guard.prometheus import register


def test_reads_every_variable() -> None:
    s = Settings.from_env(
        {
            "KEYCLOAK_GUARD_ISSUER": "https://sso.example.com/realms/app/",
            "KEYCLOAK_GUARD_AUDIENCE": "my-api, other-api",
            "KEYCLOAK_GUARD_REDIS_URL": "redis://redis:6379/2",
            "KEYCLOAK_GUARD_KEY_PREFIX": "prod:",
            "KEYCLOAK_GUARD_STALE_AFTER": "15",
            "KEYCLOAK_GUARD_FAIL_CLOSED": "true",
            "KEYCLOAK_GUARD_JWKS_URL": "http://keycloak:8080/realms/app/protocol/openid-connect/certs",
            "KEYCLOAK_GUARD_LEEWAY": "5",
            "KEYCLOAK_GUARD_READY_TIMEOUT": "2.5",
            "KEYCLOAK_GUARD_ACCEPT_SENDER_CONSTRAINED": "no",
        }
    )
    assert s == Settings(
        issuer="https://sso.example.com/realms/app",
        realm="app",
        audience=("my-api", "other-api"),
        redis_url="redis://redis:6379/2",
        key_prefix="prod:",
        stale_after=15.0,
        fail_closed=True,
        jwks_url="http://keycloak:8080/realms/app/protocol/openid-connect/certs",
        leeway=5.0,
        ready_timeout=2.5,
        accept_sender_constrained=False,
    )


def test_defaults_and_the_realm_from_the_issuer() -> None:
    s = Settings.from_env({"KEYCLOAK_GUARD_ISSUER": "https://sso.example.com/realms/app"})
    assert (s.realm, s.key_prefix, s.stale_after, s.fail_closed, s.audience, s.leeway) == (
        "app",
        "kcguard:",
        10.0,
        False,
        (),
        60.0,
    )
    assert s.jwks_uri == "https://sso.example.com/realms/app/protocol/openid-connect/certs"
    assert (
        Settings.from_env({"KEYCLOAK_GUARD_ISSUER": "https://x/realms/app", "KEYCLOAK_GUARD_REALM": "feed"}).realm
        == "feed"
    )


def test_keyword_arguments_win_over_variables() -> None:
    s = Settings.from_env(
        {"KEYCLOAK_GUARD_ISSUER": "https://x/realms/a", "KEYCLOAK_GUARD_FAIL_CLOSED": "1"},
        fail_closed=False,
        audience="api",
    )
    assert not s.fail_closed
    assert s.audience == ("api",)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "issuer is required"),
        ({"KEYCLOAK_GUARD_ISSUER": "https://sso.example.com/auth"}, "realm is required"),
        ({"KEYCLOAK_GUARD_ISSUER": "https://x/realms/a", "KEYCLOAK_GUARD_STALE_AFTER": "soon"}, "STALE_AFTER"),
        ({"KEYCLOAK_GUARD_ISSUER": "https://x/realms/a", "KEYCLOAK_GUARD_STALE_AFTER": "0"}, "stale_after"),
        ({"KEYCLOAK_GUARD_ISSUER": "https://x/realms/a", "KEYCLOAK_GUARD_STALE_AFTER": "nan"}, "STALE_AFTER"),
        ({"KEYCLOAK_GUARD_ISSUER": "https://x/realms/a", "KEYCLOAK_GUARD_FAIL_CLOSED": "maybe"}, "FAIL_CLOSED"),
    ],
)
def test_bad_values_are_refused_clearly(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env(env)


def test_a_guard_needs_a_redis_url() -> None:
    with pytest.raises(ValueError, match="KEYCLOAK_GUARD_REDIS_URL"):
        KeycloakGuard.from_env({"KEYCLOAK_GUARD_ISSUER": "https://x/realms/a"})


def test_prometheus_collector_reads_the_health() -> None:
    guard = KeycloakGuard(Settings(issuer="https://x/realms/a", redis_url="redis://127.0.0.1:1", audience=("api",)))
    registry = CollectorRegistry()
    register(guard, registry)
    assert registry.get_sample_value("keycloak_guard_feed_ready", {"realm": "a"}) == 0
    assert registry.get_sample_value("keycloak_guard_feed_staleness_seconds", {"realm": "a"}) == float("inf")
    guard.check(None)
    assert registry.get_sample_value("keycloak_guard_requests_total", {"realm": "a", "outcome": "missing"}) == 1
    assert registry.get_sample_value("keycloak_guard_feed_skipped_entries_total", {"realm": "a"}) == 0
