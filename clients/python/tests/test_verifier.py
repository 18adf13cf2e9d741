"""JWT verification as Keycloak's adapters do it, and the JWKS cache's rate limit, against a local JWKS server."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from keycloak_guard import InvalidToken, JwksCache, KeycloakJwtVerifier, KeysUnavailable

from .support import ISSUER, JwksServer, KeyPair, access_token_claims


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def verifier(jwks: JwksServer, clock: FakeClock | None = None, **options: Any) -> KeycloakJwtVerifier:
    cache = JwksCache(jwks.url, clock=clock or time.monotonic)
    return KeycloakJwtVerifier(ISSUER, "my-api", jwks=cache, **options)


def test_accepts_a_valid_access_token(jwks: JwksServer, key: KeyPair) -> None:
    claims = access_token_claims()
    assert verifier(jwks).verify(key.sign(claims)) == claims


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"iss": "https://sso.example.test/realms/other"}, "another issuer"),
        ({"iss": ISSUER + "x"}, "another issuer"),
        ({"aud": "someone-else"}, "audience"),
        ({"aud": None}, "aud"),
        ({"typ": "ID"}, "not an access token"),
        ({"typ": "Refresh"}, "not an access token"),
        ({"typ": None}, "not an access token"),
        ({"exp": int(time.time()) - 120}, "expired"),
        ({"nbf": int(time.time()) + 300}, "invalid token"),
        ({"sub": None}, "sub"),
        ({"iat": None}, "iat"),
        ({"exp": None}, "exp"),
        ({"cnf": {"jkt": "thumbprint"}}, "sender-constrained"),
    ],
)
def test_refuses(jwks: JwksServer, key: KeyPair, change: dict[str, Any], reason: str) -> None:
    token = key.sign(access_token_claims(**change))
    with pytest.raises(InvalidToken, match=reason):
        verifier(jwks).verify(token)


def test_accepts_within_the_leeway(jwks: JwksServer, key: KeyPair) -> None:
    token = key.sign(access_token_claims(exp=int(time.time()) - 30))
    assert verifier(jwks).verify(token)["sub"]
    with pytest.raises(InvalidToken, match="expired"):
        verifier(jwks, leeway=5).verify(token)


def test_sender_constrained_tokens_only_when_the_app_opts_in(jwks: JwksServer, key: KeyPair) -> None:
    token = key.sign(access_token_claims(cnf={"jkt": "thumbprint"}))
    assert verifier(jwks, accept_sender_constrained=True).verify(token)["cnf"] == {"jkt": "thumbprint"}


def test_without_audience_any_client_of_the_realm(
    jwks: JwksServer, key: KeyPair, caplog: pytest.LogCaptureFixture
) -> None:
    v = KeycloakJwtVerifier(ISSUER, jwks=JwksCache(jwks.url))
    assert "no audience configured" in caplog.text
    assert v.verify(key.sign(access_token_claims(aud="whatever")))


def test_refuses_symmetric_and_unsigned_tokens(jwks: JwksServer, key: KeyPair) -> None:
    import jwt

    hs = jwt.encode(
        access_token_claims(), "secret-shared-with-nobody-1234567890", algorithm="HS256", headers={"kid": key.kid}
    )
    with pytest.raises(InvalidToken, match="algorithm not accepted: HS256"):
        verifier(jwks).verify(hs)
    unsigned = jwt.encode(access_token_claims(), "", algorithm="none", headers={"kid": key.kid})
    with pytest.raises(InvalidToken, match="algorithm not accepted"):
        verifier(jwks).verify(unsigned)
    with pytest.raises(InvalidToken, match="malformed"):
        verifier(jwks).verify("not-a-jwt")


def test_refuses_an_algorithm_the_key_does_not_declare(jwks: JwksServer, key: KeyPair) -> None:
    with pytest.raises(InvalidToken, match="does not match its key"):
        verifier(jwks).verify(key.sign(access_token_claims(), alg="PS256"))


def test_refuses_a_token_signed_by_another_key_under_a_known_kid(jwks: JwksServer, key: KeyPair) -> None:
    impostor = KeyPair(kid=key.kid)
    with pytest.raises(InvalidToken, match=r"[Ss]ignature"):
        verifier(jwks).verify(impostor.sign(access_token_claims()))


def test_elliptic_curve_keys(key: KeyPair) -> None:
    import json

    import jwt

    private = ec.generate_private_key(ec.SECP256R1())
    jwk = {
        **json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key())),
        "kid": "ec",
        "alg": "ES256",
        "use": "sig",
    }
    server = JwksServer([key])
    try:
        server.keys = []
        ec_key = KeyPair.__new__(KeyPair)
        ec_key.kid, ec_key.alg, ec_key.private, ec_key.jwk = "ec", "ES256", private, jwk  # type: ignore[assignment]
        server.keys = [ec_key]
        assert verifier(server).verify(ec_key.sign(access_token_claims()))["typ"] == "Bearer"
    finally:
        server.close()


def test_fetches_the_keys_once_and_caches_them(jwks: JwksServer, key: KeyPair) -> None:
    v = verifier(jwks)
    for _ in range(20):
        v.verify(key.sign(access_token_claims()))
    assert jwks.fetches == 1


def test_an_unknown_kid_never_triggers_more_than_one_fetch_per_interval(jwks: JwksServer, key: KeyPair) -> None:
    clock = FakeClock()
    v = verifier(jwks, clock)
    v.verify(key.sign(access_token_claims()))
    assert jwks.fetches == 1

    stranger = KeyPair()
    for _ in range(50):
        with pytest.raises(InvalidToken, match="unknown signing key"):
            v.verify(stranger.sign(access_token_claims()))
    clock.now += 9.9
    with pytest.raises(InvalidToken, match="unknown signing key"):
        v.verify(stranger.sign(access_token_claims()))
    assert jwks.fetches == 1, "an unknown kid within the interval of the first fetch fetches nothing"

    clock.now += 0.2
    for _ in range(50):
        with pytest.raises(InvalidToken):
            v.verify(stranger.sign(access_token_claims()))
    assert jwks.fetches == 2, "one fetch once the interval has passed, however many unknown kids"

    # Key rotation: the realm's new key appears in the JWKS; the next fetch allowed picks it up.
    rotated = KeyPair()
    jwks.keys.append(rotated)
    clock.now += 10.1
    assert v.verify(rotated.sign(access_token_claims()))["sub"]
    assert jwks.fetches == 3
    assert v.verify(key.sign(access_token_claims()))["sub"], "the old key stays valid while it is listed"
    assert jwks.fetches == 3


def test_concurrent_unknown_kids_fetch_once(jwks: JwksServer, key: KeyPair) -> None:
    v = verifier(jwks)
    tokens = [KeyPair().sign(access_token_claims()) for _ in range(3)]
    errors: list[Exception] = []

    def attempt(token: str) -> None:
        try:
            v.verify(token)
        except InvalidToken as e:
            errors.append(e)

    threads = [threading.Thread(target=attempt, args=(tokens[i % 3],)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 30
    assert jwks.fetches == 1


def test_keycloak_down_keeps_the_known_keys_and_says_when_it_has_none(jwks: JwksServer, key: KeyPair) -> None:
    clock = FakeClock()
    v = verifier(jwks, clock)
    token = key.sign(access_token_claims())
    v.verify(token)
    jwks.fail = True
    clock.now += 86400 + 1  # the cache is due for a refresh, and Keycloak does not answer
    assert v.verify(token)["sub"], "the keys already known stay in use"
    assert v.jwks.last_error is not None

    fresh = verifier(jwks, FakeClock())
    with pytest.raises(KeysUnavailable):
        fresh.verify(token)
    with pytest.raises(KeysUnavailable):
        fresh.verify(token)
    assert jwks.fetches == 3, "failed fetches are rate-limited too"


def test_can_verify_without_io_only_with_a_cached_key(jwks: JwksServer, key: KeyPair) -> None:
    v = verifier(jwks)
    token = key.sign(access_token_claims())
    assert not v.can_verify_without_io(token)
    v.verify(token)
    assert v.can_verify_without_io(token)
    assert v.can_verify_without_io("garbage"), "a malformed token is refused without I/O"
