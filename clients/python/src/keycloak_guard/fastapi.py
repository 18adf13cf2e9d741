"""FastAPI integration: a dependency that returns the verified, unrevoked claims, role and scope checks, health.

.. code-block:: python

    guard = FastAPIGuard.from_env()
    app = FastAPI(lifespan=guard.lifespan)

    @app.get("/api/me")
    def me(claims: Annotated[dict[str, Any], Depends(guard)]) -> dict[str, Any]: ...
"""

from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .guard import KeycloakGuard, Outcome

__all__ = ["FastAPIGuard"]

# Declares the bearer scheme in the OpenAPI document (the "Authorize" button); the guard reads the header itself.
_bearer = HTTPBearer(auto_error=False, description="A Keycloak access token")

Claims = dict[str, Any]


class FastAPIGuard(KeycloakGuard):
    """A :class:`~keycloak_guard.KeycloakGuard` that is a FastAPI dependency: ``Depends(guard)`` gives the verified
    claims of a token that is not revoked, or answers 401 (with an RFC 6750 ``WWW-Authenticate``) or 503."""

    async def __call__(
        self,
        request: Request,
        _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    ) -> Claims:
        result = await self.check_async(request.headers.get("authorization"))
        if result.outcome is Outcome.ACCEPTED:
            assert result.claims is not None
            request.state.keycloak_guard_claims = result.claims
            return result.claims
        headers: dict[str, str] = {}
        challenge = result.www_authenticate(self.settings.realm)
        if challenge is not None:
            headers["WWW-Authenticate"] = challenge
        if result.outcome is Outcome.UNAVAILABLE:
            headers["Retry-After"] = "1"
        raise HTTPException(status_code=result.status_code, detail=result.reason, headers=headers)

    def require_roles(self, *roles: str, client: str | None = None) -> Callable[..., Awaitable[Claims]]:
        """A dependency: the claims, if the token has every one of ``roles`` (realm roles, or roles of ``client``
        with ``client=``), else 403 ``insufficient_scope``."""

        async def dependency(claims: Annotated[Claims, Depends(self)]) -> Claims:
            granted = _roles(claims, client)
            missing = [r for r in roles if r not in granted]
            if missing:
                raise self._forbidden(f"missing role {missing[0]}", None)
            return claims

        return dependency

    def require_scopes(self, *scopes: str) -> Callable[..., Awaitable[Claims]]:
        """A dependency: the claims, if the token's ``scope`` has every one of ``scopes``, else 403
        ``insufficient_scope`` naming them (RFC 6750 3.1)."""

        async def dependency(claims: Annotated[Claims, Depends(self)]) -> Claims:
            granted = set(str(claims.get("scope", "")).split())
            if not set(scopes) <= granted:
                raise self._forbidden("insufficient scope", " ".join(scopes))
            return claims

        return dependency

    def _forbidden(self, reason: str, scope: str | None) -> HTTPException:
        challenge = f'Bearer realm="{self.settings.realm}", error="insufficient_scope"'
        if scope:
            challenge += f', scope="{scope}"'
        return HTTPException(status_code=403, detail=reason, headers={"WWW-Authenticate": challenge})

    def health_router(self, path: str = "/health/keycloak-guard", *, include_in_schema: bool = False) -> APIRouter:
        """A router with ``GET path``: the guard's health as JSON; 200 while it serves as configured (also from a
        stale feed when failing open), 503 while it cannot (not loaded yet, or stale and failing closed).
        Use it as the readiness probe."""
        router = APIRouter()

        @router.get(path, include_in_schema=include_in_schema)
        def keycloak_guard_health() -> JSONResponse:
            health = self.health()
            return JSONResponse(health, status_code=503 if health["status"] == "unavailable" else 200)

        return router


def _roles(claims: Claims, client: str | None) -> set[str]:
    if client is None:
        access = claims.get("realm_access")
    else:
        resources = claims.get("resource_access")
        access = resources.get(client) if isinstance(resources, dict) else None
    roles = access.get("roles") if isinstance(access, dict) else None
    return {r for r in roles if isinstance(r, str)} if isinstance(roles, Iterable) else set()
