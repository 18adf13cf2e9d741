"""A plain ASGI middleware (no dependency): for Starlette and any other ASGI application.

.. code-block:: python

    guard = KeycloakGuard.from_env()
    app = Starlette(routes=..., lifespan=guard.lifespan,
                    middleware=[Middleware(KeycloakGuardMiddleware, guard=guard, public_paths=["/health"])])

In an endpoint, ``request.state.keycloak_guard_claims`` (or :func:`claims_of`) holds the verified claims.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from .guard import KeycloakGuard, Outcome

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Where the verified claims are put: ``scope["state"][CLAIMS_KEY]``, i.e. ``request.state.keycloak_guard_claims``.
CLAIMS_KEY = "keycloak_guard_claims"


class KeycloakGuardMiddleware:
    """Lets an HTTP request or WebSocket through only with a valid, unrevoked Keycloak access token.

    Otherwise: 401 with an RFC 6750 ``WWW-Authenticate`` header, or 503 with ``Retry-After`` while the guard cannot
    decide (feed not loaded yet, keys unavailable); a WebSocket is closed before it is accepted (HTTP 403 for the
    client). Requests whose path starts with one of ``public_paths`` pass unchecked (health probes, docs).
    """

    def __init__(self, app: ASGIApp, guard: KeycloakGuard, public_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.guard = guard
        self.public_paths = tuple(public_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self._public(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        result = await self.guard.check_async(_header(scope, b"authorization"))
        if result.outcome is Outcome.ACCEPTED:
            scope.setdefault("state", {})[CLAIMS_KEY] = result.claims
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": ""})
            return
        headers = [(b"content-type", b"application/json")]
        challenge = result.www_authenticate(self.guard.settings.realm)
        if challenge is not None:
            headers.append((b"www-authenticate", challenge.encode("latin-1")))
        if result.outcome is Outcome.UNAVAILABLE:
            headers.append((b"retry-after", b"1"))
        body = json.dumps({"detail": result.reason}).encode("utf-8")
        headers.append((b"content-length", str(len(body)).encode("latin-1")))
        await send({"type": "http.response.start", "status": result.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _public(self, path: str) -> bool:
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.public_paths)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def claims_of(scope_or_request: Any) -> dict[str, Any] | None:
    """The verified claims the middleware put on a request (a Starlette ``Request`` or an ASGI scope)."""
    scope = getattr(scope_or_request, "scope", scope_or_request)
    state = scope.get("state") if isinstance(scope, MutableMapping) else None
    claims = state.get(CLAIMS_KEY) if isinstance(state, MutableMapping) else None
    return claims if isinstance(claims, dict) else None
