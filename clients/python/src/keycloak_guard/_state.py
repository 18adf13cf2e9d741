"""What a reader of one realm's feed knows, without any I/O (the Java client's FeedState and RevocationSet).

One thread (the follower) changes it; any number of threads read it at the same time. Reads are single dict
lookups, which are atomic in CPython, and the follower is the only writer, so no lock is needed on either side.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from typing import Any

from ._contract import (
    ALL_USERS,
    CLIENT,
    CLIENT_GRANT,
    REVISION,
    SESSION,
    TOKEN,
    USER,
    ZERO_ID,
    Heartbeat,
    MalformedRevocation,
    Revocation,
    is_stream_id,
    parse_stream_id,
)

log = logging.getLogger("keycloak_guard")

# (time, exp): revoked at ``time`` (epoch seconds), forgotten after ``exp``.
_Entry = tuple[int, int]

# A token without iat counts as issued before any user, grant or client revocation that matches it.
_NO_IAT = -math.inf


class RevocationSet:
    """The live revocations of one realm; ``is_revoked`` costs a few dict lookups and never touches the network."""

    __slots__ = ("_clients", "_grants", "_sessions", "_tokens", "_users")

    def __init__(self) -> None:
        self._sessions: dict[str, _Entry] = {}
        self._tokens: dict[str, _Entry] = {}
        self._users: dict[str, _Entry] = {}
        self._grants: dict[str, dict[str, _Entry]] = {}  # user id -> client id -> entry
        self._clients: dict[str, _Entry] = {}

    def apply(self, r: Revocation) -> None:
        """Merges: of two revocations of the same entry the larger time and the larger exp win."""
        if r.kind == SESSION:
            _merge(self._sessions, r.subject, r)
        elif r.kind == TOKEN:
            _merge(self._tokens, r.subject, r)
        elif r.kind == USER:
            _merge(self._users, r.subject, r)
        elif r.kind == CLIENT_GRANT:
            assert r.client is not None  # the parser refuses a client-grant without a client
            of_user = self._grants.get(r.subject)
            if of_user is None:
                of_user = self._grants[r.subject] = {}
            _merge(of_user, r.client, r)
        elif r.kind == CLIENT:
            _merge(self._clients, r.subject, r)

    def is_revoked(self, claims: Mapping[str, Any]) -> bool:
        """Whether verified claims (``jti``, ``sid``, ``sub``, ``azp``, ``iat``) are covered by a live revocation."""
        # Written for speed (it runs on every request): local names, no helper calls on the common path.
        get = claims.get
        jti = get("jti")
        if jti is not None:
            if jti.__class__ is not str:
                jti = str(jti)
            if jti in self._tokens:
                return True
        sid = get("sid")
        if sid is not None:
            if sid.__class__ is not str:
                sid = str(sid)
            if sid in self._sessions:
                return True
        users, clients, grants = self._users, self._clients, self._grants
        if not users and not clients and not grants:
            return False
        iat = get("iat")
        if iat.__class__ is not int:
            iat = _issued_at(iat)
        sub = get("sub")
        if sub is not None and sub.__class__ is not str:
            sub = str(sub)
        # A token issued in the same second as the revocation counts as revoked: iat has one-second resolution.
        if users:
            entry = users.get(ALL_USERS)
            if entry is not None and iat <= entry[0]:
                return True
            if sub is not None:
                entry = users.get(sub)
                if entry is not None and iat <= entry[0]:
                    return True
        azp = get("azp")
        if azp is None:
            return False
        if azp.__class__ is not str:
            azp = str(azp)
        if clients:
            entry = clients.get(azp)
            if entry is not None and iat <= entry[0]:
                return True
        if sub is not None and grants:
            of_user = grants.get(sub)
            if of_user is not None:
                entry = of_user.get(azp)
                return entry is not None and iat <= entry[0]
        return False

    def remove_expired(self, now_epoch_seconds: int) -> None:
        """Forgets every entry whose exp is before ``now_epoch_seconds``."""
        for table in (self._sessions, self._tokens, self._users, self._clients, *list(self._grants.values())):
            expired = [k for k, (_, exp) in list(table.items()) if exp < now_epoch_seconds]
            for k in expired:
                table.pop(k, None)
        for user in [u for u, of_user in list(self._grants.items()) if not of_user]:
            self._grants.pop(user, None)

    def __len__(self) -> int:
        grants = sum(len(of_user) for of_user in list(self._grants.values()))
        return len(self._sessions) + len(self._tokens) + len(self._users) + grants + len(self._clients)


def _merge(table: dict[Any, _Entry], key: Any, r: Revocation) -> None:
    old = table.get(key)
    table[key] = (r.time, r.exp) if old is None else (max(old[0], r.time), max(old[1], r.exp))


def _issued_at(iat: Any) -> float:
    """A non-int ``iat``: a float is truncated (as Java's longValue does); anything else counts as "no iat"."""
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        return _NO_IAT
    return float(int(iat)) if math.isfinite(iat) else _NO_IAT


class FeedState:
    """The live revocations, the stream position, the newest confirmed publisher heartbeat, and what was skipped."""

    def __init__(self) -> None:
        self.live = RevocationSet()
        self._skipped = 0
        self._last_applied = ZERO_ID
        self._last_applied_key = (0, 0)
        # Every revocation Keycloak committed before this (epoch ms) has been applied; None: none confirmed yet.
        self._confirmed_drained_to: int | None = None
        self._pending: Heartbeat | None = None
        self._publisher_revision = 0
        self._loaded = False

    def load_snapshot(
        self,
        stream_end: str,
        records: Iterable[str | bytes],
        now_epoch_seconds: int,
        position_reset: bool = False,
    ) -> None:
        """Merges a snapshot (the records hash's values, read after the stream's newest id ``stream_end``).

        Merged into what is known, never replacing it: a revocation is never taken back, and one missing from the
        snapshot (a Redis that restarted without its data) must not be forgotten early. With ``position_reset`` the
        stream was replaced (its newest id is before the last applied one: a new Redis, or one that lost its data),
        so the position moves back to ``stream_end`` and a heartbeat naming a position of the old stream is dropped.
        """
        for text in records:
            try:
                r = Revocation.from_json(text)
            except MalformedRevocation as e:
                self._skip("snapshot record", e)
                continue
            if r.exp >= now_epoch_seconds:
                self.live.apply(r)
        if position_reset and is_stream_id(stream_end):
            self._last_applied_key = parse_stream_id(stream_end)
            self._last_applied = stream_end
            self._pending = None
        else:
            self._advance(stream_end)
        self._loaded = True
        self._confirm_pending()

    def apply_entry(self, entry_id: str, fields: Mapping[str, Any]) -> None:
        """Applies one stream entry (or skips and counts it when it cannot be applied) and moves past it."""
        try:
            self.live.apply(Revocation.from_fields(fields))
        except MalformedRevocation as e:
            self._skip(f"stream entry {entry_id}", e)
        self._advance(entry_id)
        self._confirm_pending()

    def observe_heartbeat(self, heartbeat: Heartbeat | None) -> None:
        """A heartbeat read from Redis: it counts once every entry up to its stream id has been applied."""
        if heartbeat is None:
            return
        self._publisher_revision = max(self._publisher_revision, heartbeat.revision)
        waiting = self._pending
        if waiting is None or heartbeat.drained_to_ms > waiting.drained_to_ms:
            self._pending = heartbeat
        self._confirm_pending()

    def _advance(self, stream_id: str) -> None:
        if is_stream_id(stream_id):
            key = parse_stream_id(stream_id)
            if key > self._last_applied_key:
                self._last_applied_key = key
                self._last_applied = stream_id

    def _confirm_pending(self) -> None:
        waiting = self._pending
        if waiting is not None and self._loaded and parse_stream_id(waiting.stream) <= self._last_applied_key:
            confirmed = self._confirmed_drained_to
            self._confirmed_drained_to = (
                waiting.drained_to_ms if confirmed is None else max(confirmed, waiting.drained_to_ms)
            )
            self._pending = None

    def staleness_ms(self, now_ms: int) -> int | None:
        """Now minus the newest confirmed heartbeat's ``drained_to``; None before the first (infinitely stale)."""
        confirmed = self._confirmed_drained_to
        return None if confirmed is None else max(0, now_ms - confirmed)

    def is_stale(self, now_ms: int, stale_after_ms: int) -> bool:
        staleness = self.staleness_ms(now_ms)
        return staleness is None or staleness > stale_after_ms

    def is_revoked(self, claims: Mapping[str, Any]) -> bool:
        return self.live.is_revoked(claims)

    def remove_expired(self, now_epoch_seconds: int) -> None:
        self.live.remove_expired(now_epoch_seconds)

    @property
    def loaded(self) -> bool:
        """Whether a snapshot has been loaded (before that, nothing is known to be revoked)."""
        return self._loaded

    @property
    def last_applied(self) -> str:
        return self._last_applied

    @property
    def skipped(self) -> int:
        """Entries and records that could not be applied (unknown kind or version, malformed), since start."""
        return self._skipped

    @property
    def outdated(self) -> bool:
        """Whether the publisher writes a later revision of the contract than this reader knows (update it)."""
        return self._publisher_revision > REVISION

    @property
    def live_count(self) -> int:
        return len(self.live)

    def _skip(self, what: str, error: MalformedRevocation) -> None:
        self._skipped += 1
        n = self._skipped
        # Each skipped entry may be a revocation this reader does not honour: say so, but not once per entry forever.
        if n <= 10 or n & (n - 1) == 0:
            log.warning(
                "Keycloak Guard revocation feed: skipped %s (%s); %d skipped so far. "
                "If this reader is older than the publisher, update it.",
                what,
                error,
                n,
            )
