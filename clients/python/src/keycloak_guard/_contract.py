"""The Redis contract of Keycloak Guard's revocation feed (v1, revision 2): keys, records, heartbeat, stream ids.

The one definition is the Java module ``revocation-contract`` and docs/revocation-contract.md; this is its
Python reading of it. Parsing is tolerant in what it skips (a reader never stops because of one entry) and
strict in what it applies (an entry it cannot fully read is not guessed at).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

#: The major version: the ``v`` field of every record and the ``v1`` in every key.
VERSION = 1
#: The revision of contract v1 this package reads. A publisher heartbeat naming a later one makes the reader "outdated".
REVISION = 2

SESSION = "session"
USER = "user"
CLIENT_GRANT = "client-grant"
TOKEN = "token"  # noqa: S105 - a kind name, not a secret
CLIENT = "client"  # revision 2: a client's not-before, disabled or deleted client
KINDS = frozenset({SESSION, USER, CLIENT_GRANT, TOKEN, CLIENT})

#: The subject of a ``user`` revocation that covers every user of the realm.
ALL_USERS = "*"

#: Before every stream entry: where a reader of an empty stream starts.
ZERO_ID = "0-0"

_MAX_U64 = (1 << 64) - 1
_MIN_I64 = -(1 << 63)
_MAX_I64 = (1 << 63) - 1


class MalformedRevocation(ValueError):
    """A feed entry a reader cannot apply: not JSON, a missing or malformed field, an unknown version or kind."""


@dataclass(frozen=True)
class Revocation:
    """One revocation as the feed carries it (snapshot value or stream entry)."""

    id: str
    realm: str
    kind: str
    subject: str
    client: str | None
    time: int
    exp: int
    reason: str

    @staticmethod
    def from_json(text: str | bytes | None) -> Revocation:
        """A value of the snapshot hash."""
        try:
            value = json.loads(text) if text is not None else None
        except (ValueError, TypeError) as e:
            raise MalformedRevocation("not a JSON object") from e
        if not isinstance(value, dict):
            raise MalformedRevocation("not a JSON object")
        return _parse(lambda name: value.get(name))

    @staticmethod
    def from_fields(fields: Mapping[str, Any] | None) -> Revocation:
        """The fields of a stream entry (strings, as Redis returns them)."""
        if not fields:
            raise MalformedRevocation("no fields")
        return _parse(fields.get)


def _parse(field: Callable[[str], Any]) -> Revocation:
    v = field("v")
    if v is None or isinstance(v, bool) or _text(v) != str(VERSION):
        raise MalformedRevocation(f"unknown contract version: {v!r}")
    kind = _required_text(field, "kind")
    if kind not in KINDS:
        raise MalformedRevocation(f"unknown kind: {kind}")
    client_value = field("client")
    client = None if client_value is None or _text(client_value) == "" else _text(client_value)
    if kind == CLIENT_GRANT and client is None:
        raise MalformedRevocation("a client-grant revocation without a client")
    reason = field("reason")
    return Revocation(
        id=_required_text(field, "id"),
        realm=_required_text(field, "realm"),
        kind=kind,
        subject=_required_text(field, "subject"),
        client=client,
        time=_integer(field, "time"),
        exp=_integer(field, "exp"),
        reason="" if reason is None else _text(reason),
    )


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _required_text(field: Callable[[str], Any], name: str) -> str:
    value = field(name)
    if value is None or _text(value) == "":
        raise MalformedRevocation(f"missing field: {name}")
    return _text(value)


def _integer(field: Callable[[str], Any], name: str) -> int:
    value = field(name)
    if value is None:
        raise MalformedRevocation(f"missing field: {name}")
    if isinstance(value, bool):
        raise MalformedRevocation(f"not an integer: {name}={value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise MalformedRevocation(f"not an integer: {name}={value!r}")
        number = int(value)
    else:
        text = _text(value).strip()
        # int() accepts "1_000" and non-ASCII digits; the contract's integers are plain decimal.
        body = text[1:] if text[:1] in "+-" else text
        if not body.isascii() or not body.isdigit():
            raise MalformedRevocation(f"not an integer: {name}={value!r}")
        number = int(text)
    if not _MIN_I64 <= number <= _MAX_I64:
        raise MalformedRevocation(f"out of range: {name}={value!r}")
    return number


@dataclass(frozen=True)
class Heartbeat:
    """The publisher heartbeat (revision 2): every revocation committed before ``drained_to_ms`` is in the feed,
    at or before stream id ``stream``."""

    drained_to_ms: int
    stream: str
    written_ms: int
    node: str
    revision: int

    @staticmethod
    def from_fields(fields: Mapping[str, Any] | None) -> Heartbeat | None:
        """The heartbeat hash as Redis returns it; None when there is none or it is malformed (no heartbeat)."""
        if not fields:
            return None
        values = {(_text(k)): _text(v) for k, v in fields.items() if v is not None}
        stream = values.get("stream")
        if stream is None or not is_stream_id(stream):
            return None
        try:
            drained = _plain_int(values.get("drained_to"))
            written = 0 if "written" not in values else _plain_int(values["written"])
            revision = 1 if "rev" not in values else _plain_int(values["rev"])
        except ValueError:
            return None
        return Heartbeat(drained, stream, written, values.get("node", ""), revision)


def _plain_int(text: str | None) -> int:
    if text is None:
        raise ValueError("missing")
    body = text[1:] if text[:1] in "+-" else text
    if not body.isascii() or not body.isdigit():
        raise ValueError(text)
    number = int(text)
    if not _MIN_I64 <= number <= _MAX_I64:
        raise ValueError(text)
    return number


def parse_stream_id(stream_id: str) -> tuple[int, int]:
    """``<ms>-<seq>`` (or ``<ms>``) as a pair that sorts as Redis sorts ids; ValueError when it is not one."""
    ms, dash, seq = stream_id.partition("-")
    parts = (ms, seq) if dash else (ms, "0")
    for p in parts:
        if not p or not p.isascii() or not p.isdigit():
            raise ValueError(f"not a stream id: {stream_id!r}")
    a, b = int(parts[0]), int(parts[1])
    if a > _MAX_U64 or b > _MAX_U64:
        raise ValueError(f"not a stream id: {stream_id!r}")
    return a, b


def is_stream_id(stream_id: str | None) -> bool:
    if stream_id is None:
        return False
    try:
        parse_stream_id(stream_id)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Keys:
    """The Redis keys of one realm. The realm is a hash tag, so in Redis Cluster they share a slot."""

    prefix: str
    realm: str

    @property
    def base(self) -> str:
        return f"{self.prefix}rev:v{VERSION}:{{{self.realm}}}:"

    @property
    def records(self) -> str:
        return self.base + "records"

    @property
    def expiry(self) -> str:
        return self.base + "expiry"

    @property
    def stream(self) -> str:
        return self.base + "stream"

    @property
    def heartbeat(self) -> str:
        return self.base + "heartbeat"

    @property
    def epoch(self) -> str:
        return self.base + "epoch"
