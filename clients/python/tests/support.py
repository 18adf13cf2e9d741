"""Test support: a private redis-server, the pack's publisher scripts, a signing key with a JWKS server."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import redis
from cryptography.hazmat.primitives.asymmetric import rsa

REPO = Path(__file__).resolve().parents[3]
CONFORMANCE = REPO / "revocation-contract" / "conformance"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until(condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for: {what}")
        time.sleep(0.02)


class RedisServer:
    """A private redis-server on a free loopback port, keeping nothing on disk: a restart loses every key."""

    def __init__(self) -> None:
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not on PATH")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="kg-redis-")
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        if self.process is not None:
            return
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, 15, f"redis-server on {self.port}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        self.process.wait(10)
        self.process = None

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.2).ping())
        except redis.RedisError:
            return False

    def client(self) -> Any:
        # Any: redis-py 5.0 (the lowest supported) has untyped or mistyped signatures here.
        from_url: Any = redis.Redis.from_url
        return from_url(self.url, decode_responses=True)


# The pack's publisher scripts (core/.../RevocationPublisher.java), so the follower reads what Keycloak writes.
PUBLISH = """
local exp = tonumber(ARGV[5])
local now = tonumber(ARGV[6])
if exp <= now then return 0 end
if not redis.call('SET', KEYS[4], '1', 'NX', 'EX', exp - now) then return 0 end
local incoming = cjson.decode(ARGV[3])
local winner = incoming
local current = redis.call('HGET', KEYS[1], ARGV[2])
if current then
  local c = cjson.decode(current)
  if tonumber(c['time']) > tonumber(incoming['time']) then winner = c end
  if tonumber(c['exp']) > exp then exp = tonumber(c['exp']) end
end
winner['exp'] = exp
redis.call('HSET', KEYS[1], ARGV[2], cjson.encode(winner))
redis.call('ZADD', KEYS[2], exp, ARGV[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*',
  'v', '1', 'id', ARGV[1], 'realm', incoming['realm'], 'kind', incoming['kind'],
  'subject', incoming['subject'], 'client', ARGV[8], 'time', ARGV[4], 'exp', ARGV[5],
  'reason', incoming['reason'])
return 1
"""

HEARTBEAT = """
local current = redis.call('HGET', KEYS[1], 'drained_to')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
local newest = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local id = '0-0'
if newest[1] then id = newest[1][1] end
redis.call('HSET', KEYS[1], 'drained_to', ARGV[1], 'stream', id, 'written', ARGV[2], 'node', ARGV[3],
  'rev', ARGV[4])
return 1
"""


@dataclass
class Publisher:
    """Writes a realm's feed the way Keycloak Guard does."""

    r: Any  # a redis.Redis
    prefix: str
    realm: str
    max_len: int = 100_000
    published: list[str] = field(default_factory=list)

    def key(self, name: str) -> str:
        return f"{self.prefix}rev:v1:{{{self.realm}}}:{name}"

    def publish(
        self,
        kind: str,
        subject: str,
        *,
        client: str | None = None,
        time_: int | None = None,
        exp: int | None = None,
        rid: str | None = None,
    ) -> None:
        now = int(time.time())
        t = now if time_ is None else time_
        e = now + 600 if exp is None else exp
        rid = rid or str(uuid.uuid4())
        record: dict[str, Any] = {
            "v": 1,
            "id": rid,
            "realm": self.realm,
            "kind": kind,
            "subject": subject,
            "time": t,
            "exp": e,
            "reason": "test",
        }
        if client is not None:
            record["client"] = client
        entry = f"{kind}:{subject}" + (f":{client}" if kind == "client-grant" else "")
        self.r.eval(
            PUBLISH,
            4,
            self.key("records"),
            self.key("expiry"),
            self.key("stream"),
            self.key("seen:" + rid),
            rid,
            entry,
            json.dumps(record),
            str(t),
            str(e),
            str(now),
            str(self.max_len),
            client or "",
        )
        self.published.append(rid)

    def heartbeat(self, drained_to_ms: int | None = None, rev: int = 2) -> None:
        now_ms = int(time.time() * 1000)
        self.r.eval(
            HEARTBEAT,
            2,
            self.key("heartbeat"),
            self.key("stream"),
            str(now_ms if drained_to_ms is None else drained_to_ms),
            str(now_ms),
            "test-node",
            str(rev),
        )


class KeyPair:
    """An RSA signing key with its JWK, as Keycloak's realm keys look."""

    def __init__(self, kid: str | None = None, alg: str = "RS256") -> None:
        self.kid = kid or "kid-" + uuid.uuid4().hex[:8]
        self.alg = alg
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        self.jwk: dict[str, Any] = {**public_jwk, "kid": self.kid, "alg": alg, "use": "sig"}

    def sign(
        self, claims: Mapping[str, Any], *, headers: Mapping[str, Any] | None = None, alg: str | None = None
    ) -> str:
        return jwt.encode(
            dict(claims), self.private, algorithm=alg or self.alg, headers={"kid": self.kid, **(headers or {})}
        )


class JwksServer:
    """Serves a JWKS on a free loopback port and counts the fetches."""

    def __init__(self, keys: list[KeyPair]) -> None:
        self.keys = keys
        self.fetches = 0
        self.fail = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.fetches += 1
                if server.fail:
                    self.send_response(503)
                    self.end_headers()
                    return
                body = json.dumps(
                    {
                        "keys": [
                            {"kid": "enc-key", "kty": "RSA", "alg": "RSA-OAEP", "use": "enc", "n": "AQAB", "e": "AQAB"},
                            *[k.jwk for k in server.keys],
                        ]
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/realms/test/protocol/openid-connect/certs"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


ISSUER = "https://sso.example.test/realms/test"


def access_token_claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": ["my-api", "account"],
        "sub": "user-" + uuid.uuid4().hex[:8],
        "typ": "Bearer",
        "azp": "web-app",
        "sid": "sid-" + uuid.uuid4().hex[:8],
        "jti": "jti-" + uuid.uuid4().hex,
        "iat": now,
        "exp": now + 300,
        "scope": "openid profile orders:read",
        "realm_access": {"roles": ["user"]},
        "resource_access": {"my-api": {"roles": ["reader"]}},
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def iterate_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(CONFORMANCE.glob("*.json")):
        for case in json.loads(path.read_text())["cases"]:
            yield f"{path.name}: {case['name']}", case
