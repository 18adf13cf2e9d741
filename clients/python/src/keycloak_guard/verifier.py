"""Verifying a Keycloak access token locally, as Keycloak's own adapters do."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jwt
from jwt import PyJWK

log = logging.getLogger("keycloak_guard")

#: The asymmetric algorithms Keycloak signs access tokens with. Never ``none``, never HS*.
ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})

#: The ``typ`` claim of a Keycloak access token (ID tokens say ``ID``, refresh tokens ``Refresh``).
ACCESS_TOKEN_TYPE = "Bearer"  # noqa: S105 - a token type, not a secret


class InvalidToken(Exception):
    """The token is malformed, badly signed, expired, not an access token, for another issuer or audience, or
    sender-constrained. The message is safe to log and to return: it never contains the token."""


class KeysUnavailable(Exception):
    """The realm's signing keys could not be fetched (Keycloak unreachable) and none that fits is cached."""


class JwksCache:
    """The realm's JWKS, fetched on first use and cached.

    Refetched when a token names a key id the cache does not know (key rotation) or after ``max_age``, but never more
    than once per ``min_refresh_interval``, whatever the tokens say: a stream of tokens with made-up key ids cannot
    make the application hammer Keycloak. (Keycloak's adapters: ``min-time-between-jwks-requests`` 10 s,
    ``public-key-cache-ttl`` one day.) When a fetch fails the keys already known stay in use.
    """

    def __init__(
        self,
        url: str,
        *,
        min_refresh_interval: float = 10.0,
        max_age: float = 86400.0,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.min_refresh_interval = min_refresh_interval
        self.max_age = max_age
        self.timeout = timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str | None, PyJWK] = {}
        self._algs: dict[str | None, str | None] = {}  # the alg each key declares, if it does
        self._fetched_at: float | None = None  # last successful fetch
        self._attempted_at: float | None = None  # last attempt, successful or not
        self.fetches = 0
        self.last_error: str | None = None

    def cached(self, kid: str | None) -> PyJWK | None:
        """The key if it is known and the cache is not due for a refresh: no I/O."""
        fetched = self._fetched_at
        if fetched is None or self._clock() - fetched > self.max_age:
            return None
        return self._keys.get(kid)

    def prefetch(self) -> None:
        """Fetches the keys now if they were never fetched (e.g. at start-up, off the event loop)."""
        with self._lock:
            if self._attempted_at is None:
                self._fetch(self._clock())

    def declared_algorithm(self, kid: str | None) -> str | None:
        return self._algs.get(kid)

    def get(self, kid: str | None) -> PyJWK:
        """The key for ``kid``, fetching the JWKS when allowed (blocking I/O: call it off the event loop).

        :raises InvalidToken: no such key, and the JWKS was fetched recently enough (or just now)
        :raises KeysUnavailable: no such key, and the JWKS could not be fetched
        """
        key = self.cached(kid)
        if key is not None:
            return key
        with self._lock:
            key = self.cached(kid)
            if key is not None:
                return key
            now = self._clock()
            due = self._fetched_at is None or now - self._fetched_at > self.max_age
            if self._attempted_at is None or now - self._attempted_at >= self.min_refresh_interval:
                self._fetch(now)
            elif due and not self._keys:
                raise KeysUnavailable(f"the realm's keys are not available yet ({self.last_error})")
            key = self._keys.get(kid)
            if key is not None:
                return key
            if not self._keys and self.last_error is not None:
                raise KeysUnavailable(f"cannot fetch the realm's keys: {self.last_error}")
            raise InvalidToken("unknown signing key")

    def _fetch(self, now: float) -> None:
        self._attempted_at = now
        self.fetches += 1
        try:
            request = urllib.request.Request(self.url, headers={"Accept": "application/json"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) only
                document = json.loads(response.read().decode("utf-8"))
            keys, algs = _signing_keys(document)
        except (OSError, ValueError, urllib.error.URLError) as e:
            self.last_error = f"{type(e).__name__}: {e}"
            log.warning(
                "Keycloak Guard: cannot fetch the realm's keys from %s (%s); keeping %d known keys",
                self.url,
                self.last_error,
                len(self._keys),
            )
            return
        self._algs = algs
        self._keys = keys
        self._fetched_at = now
        self.last_error = None


def _signing_keys(document: Any) -> tuple[dict[str | None, PyJWK], dict[str | None, str | None]]:
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWK set")
    keys: dict[str | None, PyJWK] = {}
    algs: dict[str | None, str | None] = {}
    for jwk in document["keys"]:
        if not isinstance(jwk, dict) or jwk.get("use", "sig") != "sig":
            continue  # Keycloak's JWKS also lists its encryption keys (use=enc)
        alg = jwk.get("alg")
        if alg is not None and alg not in ALGORITHMS:
            continue
        try:
            key = PyJWK(jwk)
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            continue  # a key type this PyJWT or cryptography cannot read: skip it, not the whole set
        kid = jwk.get("kid")
        kid = kid if isinstance(kid, str) else None
        keys[kid] = key
        algs[kid] = alg
    return keys, algs


class KeycloakJwtVerifier:
    """Verifies a Keycloak access token: signature against the realm's JWKS (:class:`JwksCache`), asymmetric
    algorithms only, issuer, ``typ`` = ``Bearer`` (ID and refresh tokens are refused), ``exp``/``nbf``/``iat`` with
    ``leeway`` seconds of skew, ``sub``/``iat``/``exp`` present, and the audience when one is configured.

    A sender-constrained token (a ``cnf`` claim: DPoP ``jkt``, mTLS ``x5t#S256``) is refused unless
    ``accept_sender_constrained`` is set: presented without its proof, such a token is a stolen token. Set it only
    when the application validates the binding itself (the DPoP proof per RFC 9449, or the client certificate per
    RFC 8705) before trusting the token.

    Revocation is checked separately (:class:`keycloak_guard.RevocationClient`); :class:`keycloak_guard.KeycloakGuard`
    does both.
    """

    def __init__(
        self,
        issuer: str,
        audience: str | Iterable[str] = (),
        *,
        jwks_url: str | None = None,
        leeway: float = 60.0,
        accept_sender_constrained: bool = False,
        jwks: JwksCache | None = None,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience: tuple[str, ...] = (audience,) if isinstance(audience, str) else tuple(audience)
        self.leeway = leeway
        self.accept_sender_constrained = accept_sender_constrained
        self.jwks = jwks or JwksCache(jwks_url or self.issuer + "/protocol/openid-connect/certs")
        if not self.audience:
            log.warning(
                "Keycloak Guard: no audience configured for %s: access tokens issued to any client of the realm "
                "are accepted. Configure the audience your API expects.",
                self.issuer,
            )

    def _header(self, token: str) -> tuple[str, str | None]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as e:
            raise InvalidToken(f"malformed token: {e}") from None
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise InvalidToken(f"algorithm not accepted: {alg}")
        kid = header.get("kid")
        return alg, kid if isinstance(kid, str) else None

    def can_verify_without_io(self, token: str) -> bool:
        """Whether :meth:`verify` will not fetch keys for this token (so it may run on an event loop)."""
        try:
            _, kid = self._header(token)
        except InvalidToken:
            return True
        return self.jwks.cached(kid) is not None

    def verify(self, token: str) -> dict[str, Any]:
        """The verified claims.

        :raises InvalidToken: the token is not an acceptable access token of this realm
        :raises KeysUnavailable: the realm's keys cannot be fetched (Keycloak unreachable) and none is cached
        """
        alg, kid = self._header(token)
        key = self.jwks.get(kid)
        declared = self.jwks.declared_algorithm(kid)
        if declared is not None and declared != alg:
            raise InvalidToken("the token's algorithm does not match its key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                audience=list(self.audience) if self.audience else None,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub"], "verify_aud": bool(self.audience)},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("token expired") from None
        except jwt.InvalidAudienceError:
            raise InvalidToken("token not issued for this audience") from None
        except jwt.InvalidIssuerError:
            raise InvalidToken("token from another issuer") from None
        except jwt.PyJWTError as e:
            raise InvalidToken(f"invalid token: {e}") from None
        return self.check_claims(claims)

    def check_claims(self, claims: Mapping[str, Any]) -> dict[str, Any]:
        """The checks PyJWT does not make (it made the others)."""
        if claims.get("iss") != self.issuer:  # exact, whatever PyJWT version compares
            raise InvalidToken("token from another issuer")
        if claims.get("typ") != ACCESS_TOKEN_TYPE:
            raise InvalidToken(f"not an access token (typ {claims.get('typ')!r})")
        if "cnf" in claims and not self.accept_sender_constrained:
            raise InvalidToken("sender-constrained token (cnf) presented without its proof")
        if not isinstance(claims.get("sub"), str):
            raise InvalidToken("token without a subject")
        return dict(claims)
