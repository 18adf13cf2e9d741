"""The framework-neutral decision for one request: verified, not revoked, or why not."""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from ._aio import to_thread
from .client import RevocationClient
from .config import Settings
from .verifier import InvalidToken, KeycloakJwtVerifier, KeysUnavailable

log = logging.getLogger("keycloak_guard")


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    #: no ``Authorization: Bearer`` header: 401 with a plain ``WWW-Authenticate: Bearer``
    MISSING = "missing"
    #: the token is not an acceptable access token of the realm: 401 ``invalid_token``
    INVALID = "invalid"
    #: the token was revoked (or the feed is stale and the guard fails closed): 401 ``invalid_token``
    REVOKED = "revoked"
    #: the guard cannot decide now (the revocation feed has not loaded yet, or Keycloak's keys cannot be fetched):
    #: 503 with ``Retry-After``; the token may be fine, so no 401
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class CheckResult:
    outcome: Outcome
    claims: dict[str, Any] | None = None
    #: why not accepted; safe to log and to return (never contains the token)
    reason: str | None = None

    @property
    def accepted(self) -> bool:
        return self.outcome is Outcome.ACCEPTED

    @property
    def status_code(self) -> int:
        return {Outcome.ACCEPTED: 200, Outcome.UNAVAILABLE: 503}.get(self.outcome, 401)

    def www_authenticate(self, realm: str | None = None) -> str | None:
        """The RFC 6750 challenge for a 401 (None otherwise)."""
        if self.outcome not in (Outcome.MISSING, Outcome.INVALID, Outcome.REVOKED):
            return None
        parts = [f'realm="{_quoted(realm)}"'] if realm else []
        if self.outcome is not Outcome.MISSING:  # RFC 6750 3.1: no error code when the request had no token
            parts.append('error="invalid_token"')
            parts.append(f'error_description="{_quoted(self.reason or self.outcome.value)}"')
        return "Bearer" + (" " + ", ".join(parts) if parts else "")


def _quoted(text: str) -> str:
    # RFC 6750 error_description: printable ASCII without " and \
    return "".join(c for c in text if 0x20 <= ord(c) <= 0x7E and c not in '"\\')


class KeycloakGuard:
    """Verifies the bearer token of a request and checks it against the revocation feed.

    >>> guard = KeycloakGuard.from_env()          # KEYCLOAK_GUARD_* variables
    >>> result = await guard.check_async(request.headers.get("authorization"))

    ``lifespan`` starts the feed follower (in each worker process) and waits for the first snapshot; the framework
    modules (:mod:`keycloak_guard.fastapi`, :mod:`keycloak_guard.asgi`) turn results into responses.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        verifier: KeycloakJwtVerifier | None = None,
        revocations: RevocationClient | None = None,
    ) -> None:
        self.settings = settings
        self.verifier = verifier or KeycloakJwtVerifier(
            settings.issuer,
            settings.audience,
            jwks_url=settings.jwks_url,
            leeway=settings.leeway,
            accept_sender_constrained=settings.accept_sender_constrained,
        )
        self.revocations = revocations or RevocationClient.from_settings(settings)
        self._counts = dict.fromkeys(Outcome, 0)
        self._counts_lock = threading.Lock()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> KeycloakGuard:
        """Configured from ``KEYCLOAK_GUARD_*`` variables (see :class:`Settings`); keyword arguments win."""
        return cls(Settings.from_env(environ, **overrides))

    # -- the decision --------------------------------------------------------------------------------------

    def token_from_header(self, authorization: str | None) -> str | None:
        """The token of a ``Bearer`` header; of a ``DPoP`` one only when sender-constrained tokens are accepted."""
        if not authorization:
            return None
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if not token:
            return None
        if scheme.lower() == "bearer":
            return token
        if scheme.lower() == "dpop" and self.verifier.accept_sender_constrained:
            return token
        return None

    def check(self, authorization: str | None) -> CheckResult:
        """The decision for an ``Authorization`` header. May fetch the realm's keys: use :meth:`check_async` on an
        event loop."""
        token = self.token_from_header(authorization)
        if token is None:
            return self._count(CheckResult(Outcome.MISSING, reason="no bearer token"))
        try:
            claims = self.verifier.verify(token)
        except InvalidToken as e:
            return self._count(CheckResult(Outcome.INVALID, reason=str(e)))
        except KeysUnavailable as e:
            return self._count(CheckResult(Outcome.UNAVAILABLE, reason=str(e)))
        return self._count(self.decide(claims))

    async def check_async(self, authorization: str | None) -> CheckResult:
        """:meth:`check` without blocking the event loop: verification runs inline (CPU only) while the token's key
        is cached, and in a worker thread when the realm's keys must be fetched."""
        token = self.token_from_header(authorization)
        if token is not None and not self.verifier.can_verify_without_io(token):
            return await to_thread(lambda: self.check(authorization))
        return self.check(authorization)

    def decide(self, claims: dict[str, Any]) -> CheckResult:
        """Revocation for verified claims."""
        revocations = self.revocations
        if revocations.is_revoked(claims):
            return CheckResult(
                Outcome.REVOKED,
                claims,
                "revocation status unknown (feed stale)"
                if revocations.fail_closed and revocations.is_stale()
                else "token revoked",
            )
        if not revocations.ready:
            # Fail-open before the first snapshot would accept every revoked token: refuse to decide instead.
            return CheckResult(Outcome.UNAVAILABLE, claims, "revocation feed not loaded yet")
        return CheckResult(Outcome.ACCEPTED, claims)

    def _count(self, result: CheckResult) -> CheckResult:
        with self._counts_lock:
            self._counts[result.outcome] += 1
        return result

    # -- lifecycle -----------------------------------------------------------------------------------------

    def start(self) -> None:
        self.revocations.start()

    def stop(self) -> None:
        self.revocations.stop()

    @asynccontextmanager
    async def lifespan(self, app: Any = None) -> AsyncIterator[None]:
        """For ``FastAPI(lifespan=guard.lifespan)`` / ``Starlette(lifespan=guard.lifespan)``, or ``async with
        guard.lifespan(app):`` inside an application's own lifespan. Starts the follower in this (worker) process,
        waits up to ``ready_timeout`` for the first snapshot (requests get 503 until it has loaded), stops it at
        shutdown."""
        self.start()
        try:
            await to_thread(self.verifier.jwks.prefetch)
            if not await self.revocations.wait_ready_async(self.settings.ready_timeout):
                log.warning(
                    "Keycloak Guard: the revocation feed did not load within %.0f s (%s); answering 503%s until "
                    "it does",
                    self.settings.ready_timeout,
                    self.revocations.health().last_error or "no answer",
                    "" if not self.settings.fail_closed else " (401: fail-closed)",
                )
            yield
        finally:
            await to_thread(self.stop)

    # -- health and metrics --------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """The feed's health plus this guard's counters. ``status`` is ``"ok"`` when the guard serves as
        configured, ``"degraded"`` when it serves from a stale feed (fail-open) or with keys it could not refresh,
        and ``"unavailable"`` when it answers 503 or, failing closed, rejects every token."""
        feed = self.revocations.health()
        jwks = self.verifier.jwks
        if not feed.ready or (feed.stale and feed.fail_closed):
            status = "unavailable"
        elif feed.stale or not feed.connected or jwks.last_error is not None or feed.outdated:
            status = "degraded"
        else:
            status = "ok"
        with self._counts_lock:
            counts = {outcome.value: n for outcome, n in self._counts.items()}
        return {
            "status": status,
            "realm": self.revocations.realm,
            "feed": feed.as_dict(),
            "keys": {"fetches": jwks.fetches, "last_error": jwks.last_error},
            "requests": counts,
        }
