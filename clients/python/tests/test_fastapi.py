"""The FastAPI dependency and the ASGI middleware, through real HTTP handling (TestClient), with tokens signed by a
test key, a local JWKS server and a real redis-server."""

import re
import sys
import time
import types
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from keycloak_guard import KeycloakGuard, Settings
from keycloak_guard.asgi import KeycloakGuardMiddleware, claims_of
from keycloak_guard.fastapi import FastAPIGuard

from .support import ISSUER, JwksServer, KeyPair, Publisher, RedisServer, access_token_claims, wait_until

README = Path(__file__).resolve().parents[1] / "README.md"


def settings(redis: RedisServer, prefix: str, jwks: JwksServer, **changes: Any) -> Settings:
    return Settings(
        issuer=ISSUER, audience=("my-api",), redis_url=redis.url, key_prefix=prefix, jwks_url=jwks.url, **changes
    )


def fastapi_app(guard: FastAPIGuard) -> FastAPI:
    app = FastAPI(lifespan=guard.lifespan)
    app.include_router(guard.health_router())
    Claims = Annotated[dict[str, Any], Depends(guard)]

    @app.get("/api/me")
    async def me(claims: Claims) -> dict[str, Any]:
        return {"sub": claims["sub"]}

    @app.get("/api/sync")
    def sync(claims: Claims) -> dict[str, Any]:
        return {"sub": claims["sub"]}

    @app.get("/api/admin")
    async def admin(claims: Annotated[dict[str, Any], Depends(guard.require_roles("admin"))]) -> str:
        return "ok"

    @app.get("/api/reader")
    async def reader(
        claims: Annotated[dict[str, Any], Depends(guard.require_roles("reader", client="my-api"))],
    ) -> str:
        return "ok"

    @app.get("/api/orders")
    async def orders(claims: Annotated[dict[str, Any], Depends(guard.require_scopes("orders:write"))]) -> str:
        return "ok"

    return app


@pytest.fixture
def guard(redis_server: RedisServer, prefix: str, jwks: JwksServer) -> FastAPIGuard:
    return FastAPIGuard(settings(redis_server, prefix, jwks))


@pytest.fixture
def client(guard: FastAPIGuard) -> Iterator[TestClient]:
    with TestClient(fastapi_app(guard)) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_accepts_a_valid_token_and_returns_its_claims(client: TestClient, key: KeyPair) -> None:
    claims = access_token_claims()
    for path in ("/api/me", "/api/sync"):
        response = client.get(path, headers=bearer(key.sign(claims)))
        assert response.status_code == 200, response.text
        assert response.json() == {"sub": claims["sub"]}


def test_no_token_is_401_with_a_plain_challenge(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}):
        response = client.get("/api/me", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Bearer realm="test"'


def test_an_invalid_token_is_401_invalid_token(client: TestClient, key: KeyPair) -> None:
    for token in (
        "garbage",
        key.sign(access_token_claims(typ="ID")),
        key.sign(access_token_claims(aud="other")),
        key.sign(access_token_claims(cnf={"jkt": "x"})),
    ):
        response = client.get("/api/me", headers=bearer(token))
        assert response.status_code == 401, response.text
        challenge = response.headers["www-authenticate"]
        assert re.fullmatch(r'Bearer realm="test", error="invalid_token", error_description="[^"\\]+"', challenge)


def test_a_revoked_token_is_401_and_others_stay_accepted(
    client: TestClient, key: KeyPair, publisher: Publisher, guard: FastAPIGuard
) -> None:
    revoked, bystander = access_token_claims(), access_token_claims()
    assert client.get("/api/me", headers=bearer(key.sign(revoked))).status_code == 200
    publisher.publish("session", revoked["sid"])
    wait_until(
        lambda: client.get("/api/me", headers=bearer(key.sign(revoked))).status_code == 401,
        what="the logout reaches the app",
    )
    response = client.get("/api/me", headers=bearer(key.sign(revoked)))
    assert response.headers["www-authenticate"] == (
        'Bearer realm="test", error="invalid_token", error_description="token revoked"'
    )
    assert response.json() == {"detail": "token revoked"}
    assert client.get("/api/me", headers=bearer(key.sign(bystander))).status_code == 200
    assert guard.health()["requests"]["revoked"] >= 2


def test_roles_and_scopes_are_403_insufficient_scope(client: TestClient, key: KeyPair) -> None:
    user = key.sign(access_token_claims())
    admin = key.sign(access_token_claims(realm_access={"roles": ["user", "admin"]}, scope="openid orders:write"))
    assert client.get("/api/reader", headers=bearer(user)).status_code == 200
    response = client.get("/api/admin", headers=bearer(user))
    assert response.status_code == 403
    assert response.headers["www-authenticate"] == 'Bearer realm="test", error="insufficient_scope"'
    response = client.get("/api/orders", headers=bearer(user))
    assert response.status_code == 403
    assert response.headers["www-authenticate"] == (
        'Bearer realm="test", error="insufficient_scope", scope="orders:write"'
    )
    assert client.get("/api/admin", headers=bearer(admin)).status_code == 200
    assert client.get("/api/orders", headers=bearer(admin)).status_code == 200
    assert client.get("/api/admin").status_code == 401


def test_dpop_tokens_only_when_the_app_validates_the_binding(
    redis_server: RedisServer, prefix: str, jwks: JwksServer, key: KeyPair
) -> None:
    token = key.sign(access_token_claims(cnf={"jkt": "thumbprint"}))
    with TestClient(fastapi_app(FastAPIGuard(settings(redis_server, prefix, jwks)))) as c:
        assert c.get("/api/me", headers={"Authorization": f"DPoP {token}"}).status_code == 401
    opted_in = FastAPIGuard(settings(redis_server, prefix, jwks, accept_sender_constrained=True))
    with TestClient(fastapi_app(opted_in)) as c:
        assert c.get("/api/me", headers={"Authorization": f"DPoP {token}"}).status_code == 200


def test_503_before_the_feed_has_loaded_and_health_says_so(
    own_redis: RedisServer, prefix: str, jwks: JwksServer, key: KeyPair
) -> None:
    own_redis.stop()
    guard = FastAPIGuard(settings(own_redis, prefix, jwks, ready_timeout=0.3))
    with TestClient(fastapi_app(guard)) as c:
        response = c.get("/api/me", headers=bearer(key.sign(access_token_claims())))
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        health = c.get("/health/keycloak-guard")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
        assert health.json()["feed"]["ready"] is False

        own_redis.start()
        assert guard.revocations.wait_ready(5)
        assert c.get("/api/me", headers=bearer(key.sign(access_token_claims()))).status_code == 200
        assert c.get("/health/keycloak-guard").json()["feed"]["ready"] is True


def test_fail_closed_rejects_while_the_feed_is_stale(
    redis_server: RedisServer, prefix: str, jwks: JwksServer, key: KeyPair, publisher: Publisher
) -> None:
    guard = FastAPIGuard(settings(redis_server, prefix, jwks, fail_closed=True, stale_after=5.0))
    with TestClient(fastapi_app(guard)) as c:
        token = key.sign(access_token_claims())
        response = c.get("/api/me", headers=bearer(token))
        assert response.status_code == 401, "no heartbeat yet"
        assert "stale" in response.headers["www-authenticate"]
        assert c.get("/health/keycloak-guard").status_code == 503
        publisher.heartbeat()
        wait_until(lambda: c.get("/api/me", headers=bearer(token)).status_code == 200, what="fresh")
        assert c.get("/health/keycloak-guard").json()["status"] == "ok"


def test_health_is_200_and_degraded_when_fail_open_and_stale(client: TestClient, publisher: Publisher) -> None:
    response = client.get("/health/keycloak-guard")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded", "no heartbeat: stale, but a fail-open app serves"
    publisher.heartbeat()
    wait_until(lambda: client.get("/health/keycloak-guard").json()["status"] == "ok", what="ok")


def test_the_openapi_document_declares_the_bearer_scheme(client: TestClient) -> None:
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert any(
        s == {"type": "http", "scheme": "bearer", "description": "A Keycloak access token"} for s in schemes.values()
    )


def test_inside_an_applications_own_lifespan(guard: FastAPIGuard, key: KeyPair) -> None:
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with guard.lifespan(app):
            events.append("started")
            yield
            events.append("stopping")

    app = FastAPI(lifespan=lifespan)

    @app.get("/api/me")
    async def me(claims: Annotated[dict[str, Any], Depends(guard)]) -> str:
        return str(claims["sub"])

    with TestClient(app) as c:
        assert guard.revocations.ready
        assert c.get("/api/me", headers=bearer(key.sign(access_token_claims()))).status_code == 200
    assert events == ["started", "stopping"]
    assert guard.revocations._thread is not None and not guard.revocations._thread.is_alive()


# -- the ASGI middleware --------------------------------------------------------------------------------------


def starlette_app(guard: KeycloakGuard) -> Starlette:
    async def me(request: Request) -> JSONResponse:
        claims = claims_of(request)
        assert claims is not None and claims is request.state.keycloak_guard_claims
        return JSONResponse({"sub": claims["sub"]})

    async def health(request: Request) -> JSONResponse:
        return JSONResponse(guard.health())

    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        claims = claims_of(websocket)
        assert claims is not None
        await websocket.send_json({"sub": claims["sub"]})
        await websocket.close()

    return Starlette(
        routes=[Route("/api/me", me), Route("/health", health), WebSocketRoute("/ws", ws)],
        lifespan=guard.lifespan,
        middleware=[Middleware(KeycloakGuardMiddleware, guard=guard, public_paths=["/health"])],
    )


def test_middleware(
    redis_server: RedisServer, prefix: str, jwks: JwksServer, key: KeyPair, publisher: Publisher
) -> None:
    guard = KeycloakGuard(settings(redis_server, prefix, jwks))
    claims, revoked = access_token_claims(), access_token_claims()
    publisher.publish("user", revoked["sub"], time_=int(time.time()) + 5)
    with TestClient(starlette_app(guard)) as c:
        assert c.get("/api/me", headers=bearer(key.sign(claims))).json() == {"sub": claims["sub"]}
        assert c.get("/health").status_code == 200, "public path"
        response = c.get("/api/me")
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Bearer realm="test"'
        assert response.json() == {"detail": "no bearer token"}
        response = c.get("/api/me", headers=bearer(key.sign(revoked)))
        assert response.status_code == 401
        assert 'error_description="token revoked"' in response.headers["www-authenticate"]
        assert c.get("/api/me", headers=bearer("x.y.z")).status_code == 401
        assert c.get("/healthz").status_code == 401, "a prefix of a public path is not public"

        with c.websocket_connect("/ws", headers=bearer(key.sign(claims))) as ws:
            assert ws.receive_json() == {"sub": claims["sub"]}
        with pytest.raises(WebSocketDisconnect) as closed, c.websocket_connect("/ws"):
            pass
        assert closed.value.code == 1008


# -- the README's quick start, as printed ---------------------------------------------------------------------


def quick_start_source() -> str:
    match = re.search(r"## Quick start \(FastAPI\)\s+```python\n(.*?)```", README.read_text(), re.DOTALL)
    assert match, "no quick start in the README"
    return match.group(1)


def test_the_readme_quick_start_runs(
    redis_server: RedisServer,
    prefix: str,
    jwks: JwksServer,
    key: KeyPair,
    publisher: Publisher,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "ISSUER": ISSUER,
        "AUDIENCE": "my-api",
        "REDIS_URL": redis_server.url,
        "KEY_PREFIX": prefix,
        "JWKS_URL": jwks.url,
        "REALM": "test",
    }.items():
        monkeypatch.setenv("KEYCLOAK_GUARD_" + name, value)
    module = types.ModuleType("quickstart_app")
    monkeypatch.setitem(sys.modules, "quickstart_app", module)
    exec(compile(quick_start_source(), str(README), "exec"), module.__dict__)  # noqa: S102 - the README's own code
    claims = access_token_claims(preferred_username="alice")
    with TestClient(module.app) as c:
        response = c.get("/api/me", headers=bearer(key.sign(claims)))
        assert response.status_code == 200, response.text
        assert response.json() == {"sub": claims["sub"], "username": "alice"}
        assert c.get("/api/me").status_code == 401
        publisher.publish("session", claims["sid"])
        wait_until(lambda: c.get("/api/me", headers=bearer(key.sign(claims))).status_code == 401, what="revoked")
        assert c.get("/health/keycloak-guard").status_code == 200


def test_docs_app_integration_prints_the_same_quick_start() -> None:
    doc = (README.parents[2] / "docs" / "app-integration.md").read_text()
    match = re.search(r"### Python \(FastAPI / Starlette\).*?```python\n(.*?)```", doc, re.DOTALL)
    assert match, "no Python section in docs/app-integration.md"
    assert match.group(1) == quick_start_source()
