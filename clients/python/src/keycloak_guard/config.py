"""Configuration with the same names in every language's package, also read from ``KEYCLOAK_GUARD_*`` variables."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

_ENV = "KEYCLOAK_GUARD_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Settings:
    """Where the realm and its revocation feed are, and how strict to be.

    ============== ================================== ==========================================================
    name           environment variable               meaning
    ============== ================================== ==========================================================
    issuer         ``KEYCLOAK_GUARD_ISSUER``          the realm URL exactly as in the tokens' ``iss``
                                                      (``https://sso.example.com/realms/my-realm``)
    realm          ``KEYCLOAK_GUARD_REALM``           realm name (default: the last part of ``issuer``)
    audience       ``KEYCLOAK_GUARD_AUDIENCE``        accepted ``aud`` values, comma-separated; empty: any client
                                                      of the realm (a warning is logged)
    redis_url      ``KEYCLOAK_GUARD_REDIS_URL``       the Redis the pack writes the feed to
    key_prefix     ``KEYCLOAK_GUARD_KEY_PREFIX``      the pack's key-prefix option (default ``kcguard:``)
    stale_after    ``KEYCLOAK_GUARD_STALE_AFTER``     seconds (default 10): the feed is stale when the newest
                                                      publisher heartbeat it has reached is older
    fail_closed    ``KEYCLOAK_GUARD_FAIL_CLOSED``     ``true``: reject every token while the feed is stale
    jwks_url       ``KEYCLOAK_GUARD_JWKS_URL``        where to fetch the realm's keys when Keycloak is reached
                                                      under another address than ``issuer`` (default: issuer +
                                                      ``/protocol/openid-connect/certs``)
    leeway         ``KEYCLOAK_GUARD_LEEWAY``          clock skew for ``exp``/``nbf``/``iat``, seconds (default 60)
    ready_timeout  ``KEYCLOAK_GUARD_READY_TIMEOUT``   seconds the lifespan waits for the first snapshot (default 10)
    ============== ================================== ==========================================================
    """

    issuer: str = ""
    realm: str = ""
    audience: tuple[str, ...] = ()
    redis_url: str | None = None
    key_prefix: str = "kcguard:"
    stale_after: float = 10.0
    fail_closed: bool = False
    jwks_url: str | None = None
    leeway: float = 60.0
    ready_timeout: float = 10.0
    #: accept tokens with a ``cnf`` claim (DPoP, mTLS-bound): only if the application validates the binding itself
    accept_sender_constrained: bool = False

    def __post_init__(self) -> None:
        if not self.issuer:
            raise ValueError("issuer is required (KEYCLOAK_GUARD_ISSUER), e.g. https://sso.example.com/realms/app")
        issuer = self.issuer.rstrip("/")
        object.__setattr__(self, "issuer", issuer)
        if not self.realm:
            match = re.search(r"/realms/([^/]+)$", issuer)
            if match is None:
                raise ValueError(f"realm is required (KEYCLOAK_GUARD_REALM): cannot read it from issuer {issuer}")
            object.__setattr__(self, "realm", match.group(1))
        if isinstance(self.audience, str):
            object.__setattr__(self, "audience", _list(self.audience))
        else:
            object.__setattr__(self, "audience", tuple(self.audience))
        for name in ("stale_after", "ready_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.leeway < 0:
            raise ValueError("leeway must not be negative")

    @property
    def jwks_uri(self) -> str:
        return self.jwks_url or self.issuer + "/protocol/openid-connect/certs"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Reads ``KEYCLOAK_GUARD_*`` variables; keyword arguments win over them."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}

        def get(name: str) -> str | None:
            value = env.get(_ENV + name.upper())
            return None if value is None else value.strip()

        for name in ("issuer", "realm", "redis_url", "key_prefix", "jwks_url"):
            value = get(name)
            if value:
                values[name] = value
        audience = get("audience")
        if audience is not None:
            values["audience"] = _list(audience)
        for name in ("stale_after", "leeway", "ready_timeout"):
            value = get(name)
            if value:
                values[name] = _seconds(_ENV + name.upper(), value)
        for name in ("fail_closed", "accept_sender_constrained"):
            value = get(name)
            if value is not None:
                values[name] = _flag(_ENV + name.upper(), value)
        values.update(overrides)
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _seconds(name: str, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {value!r}") from None
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        raise ValueError(f"{name} must be a number of seconds, not {value!r}")
    return seconds


def _flag(name: str, value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")
