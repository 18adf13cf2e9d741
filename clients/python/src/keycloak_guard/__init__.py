"""Keycloak Guard for Python resource servers: verify Keycloak access tokens locally and reject revoked ones.

The revocation feed (docs/revocation-contract.md of Keycloak Guard) is followed from Redis in the background;
checks read memory only.
"""

from ._contract import REVISION as CONTRACT_REVISION
from .client import Health, RevocationClient
from .config import Settings
from .guard import CheckResult, KeycloakGuard, Outcome
from .verifier import InvalidToken, JwksCache, KeycloakJwtVerifier, KeysUnavailable

__version__ = "0.1.0"

__all__ = [
    "CONTRACT_REVISION",
    "CheckResult",
    "Health",
    "InvalidToken",
    "JwksCache",
    "KeycloakGuard",
    "KeycloakJwtVerifier",
    "KeysUnavailable",
    "Outcome",
    "RevocationClient",
    "Settings",
    "__version__",
]
