import {
  ALL_USERS,
  CONTRACT_REVISION,
  type Heartbeat,
  MalformedRevocationError,
  type Revocation,
  ZERO_ID,
  compareStreamIds,
  isStreamId,
  revocationFromFields,
  revocationFromJson,
} from "./contract.js";

/** Revoked at `time` (epoch seconds); forgotten after `exp`. */
interface Entry {
  readonly time: number;
  readonly exp: number;
}

/** The claims a revocation check reads from a verified access token. */
export interface RevocationClaims {
  jti?: unknown;
  sid?: unknown;
  sub?: unknown;
  azp?: unknown;
  iat?: unknown;
  [claim: string]: unknown;
}

export interface Logger {
  warn(message: string): void;
  info(message: string): void;
}

function str(value: unknown): string | undefined {
  return value == null ? undefined : typeof value === "string" ? value : String(value);
}

/**
 * The live revocations of one realm in memory: `isRevoked` costs a few Map lookups and never touches the network.
 * The rules are those of docs/revocation-contract.md ("When is a token revoked?").
 */
export class RevocationSet {
  private readonly sessions = new Map<string, Entry>();
  private readonly tokens = new Map<string, Entry>();
  private readonly users = new Map<string, Entry>();
  /** The `user` `*` entry (every user of the realm), kept out of the lookups of every check. */
  private everyone: Entry | undefined = undefined;
  /** sub → azp → entry (nested maps: a concatenated key would cost a string build and flatten per lookup). */
  private readonly clientGrants = new Map<string, Map<string, Entry>>();
  private grantCount = 0;
  private readonly clients = new Map<string, Entry>();
  /** The smallest exp of any entry (a lower bound): removeExpired does nothing before it. */
  private earliestExp = Infinity;

  /** Merges: of two revocations of the same entry the larger time and the larger exp win. */
  apply(r: Revocation): void {
    switch (r.kind) {
      case "session":
        merge(this.sessions, r.subject, r);
        break;
      case "token":
        merge(this.tokens, r.subject, r);
        break;
      case "user":
        merge(this.users, r.subject, r);
        if (r.subject === ALL_USERS) {
          this.everyone = this.users.get(ALL_USERS);
        }
        break;
      case "client-grant": {
        let grants = this.clientGrants.get(r.subject);
        if (grants === undefined) {
          grants = new Map();
          this.clientGrants.set(r.subject, grants);
        }
        const before = grants.size;
        merge(grants, r.client ?? "", r);
        this.grantCount += grants.size - before;
        break;
      }
      case "client":
        merge(this.clients, r.subject, r);
        break;
    }
    if (r.exp < this.earliestExp) {
      this.earliestExp = r.exp;
    }
  }

  /**
   * @param iat issued-at in epoch seconds; `-Infinity` when the token has none (then any user, grant or client
   *            revocation that matches covers it)
   */
  isRevokedBy(jti: string | undefined, sid: string | undefined, sub: string | undefined, azp: string | undefined, iat: number): boolean {
    if (jti !== undefined && this.tokens.has(jti)) {
      return true;
    }
    if (sid !== undefined && this.sessions.has(sid)) {
      return true;
    }
    // A token issued in the same second as the revocation counts as revoked: iat has one-second resolution.
    const everyone = this.everyone;
    if (everyone !== undefined && iat <= everyone.time) {
      return true;
    }
    if (this.users.size !== 0) {
      const user = sub === undefined ? undefined : this.users.get(sub);
      if (user !== undefined && iat <= user.time) {
        return true;
      }
    }
    if (azp !== undefined) {
      const client = this.clients.size === 0 ? undefined : this.clients.get(azp);
      if (client !== undefined && iat <= client.time) {
        return true;
      }
      if (sub !== undefined && this.clientGrants.size !== 0) {
        const grant = this.clientGrants.get(sub)?.get(azp);
        return grant !== undefined && iat <= grant.time;
      }
    }
    return false;
  }

  /** Reads `jti`, `sid`, `sub`, `azp` and `iat` from verified JWT claims. */
  isRevoked(claims: RevocationClaims): boolean {
    const iat = claims.iat;
    return this.isRevokedBy(str(claims.jti), str(claims.sid), str(claims.sub), str(claims.azp),
      typeof iat === "number" && Number.isFinite(iat) ? Math.trunc(iat) : -Infinity);
  }

  /** Forgets every entry whose exp is before `nowEpochSeconds`. */
  removeExpired(nowEpochSeconds: number): void {
    if (nowEpochSeconds <= this.earliestExp) {
      return;
    }
    let earliest = Infinity;
    const prune = (map: Map<string, Entry>): void => {
      for (const [key, entry] of map) {
        if (entry.exp < nowEpochSeconds) {
          map.delete(key);
        } else if (entry.exp < earliest) {
          earliest = entry.exp;
        }
      }
    };
    for (const map of [this.sessions, this.tokens, this.users, this.clients]) {
      prune(map);
    }
    this.everyone = this.users.get(ALL_USERS);
    for (const [sub, grants] of this.clientGrants) {
      const before = grants.size;
      prune(grants);
      this.grantCount -= before - grants.size;
      if (grants.size === 0) {
        this.clientGrants.delete(sub);
      }
    }
    this.earliestExp = earliest;
  }

  get size(): number {
    return this.sessions.size + this.tokens.size + this.users.size + this.grantCount + this.clients.size;
  }
}

function merge(map: Map<string, Entry>, key: string, r: Revocation): void {
  const old = map.get(key);
  map.set(key, old === undefined ? { time: r.time, exp: r.exp } : { time: Math.max(old.time, r.time), exp: Math.max(old.exp, r.exp) });
}

/**
 * What a reader of one realm's feed knows, without any I/O: the live revocations, the stream position, the newest
 * confirmed publisher heartbeat, and the entries it had to skip. The follower (RevocationClient) feeds it from Redis;
 * the conformance cases (revocation-contract/conformance) drive it directly. A port of the Java FeedState.
 */
export class FeedState {
  private readonly live = new RevocationSet();
  private skippedCount = 0;
  private last = ZERO_ID;
  /** Every revocation Keycloak committed before this (epoch ms) has been applied; null: none confirmed yet. */
  private confirmedDrainedTo: number | null = null;
  private pending: Heartbeat | null = null;
  private publisherRevision = 0;
  private isLoaded = false;

  constructor(private readonly logger: Logger = console) {}

  /**
   * Merges a snapshot: the values of the records hash, read after the stream's newest id `streamEnd`. Merged into
   * what is already known, never replacing it: a revocation is never taken back, and one missing from the snapshot
   * (a Redis that restarted without its data) must not be forgotten early. With `positionReset` the stream was
   * replaced (its newest id is before the last applied one: a new Redis, or one that lost its data), so the position
   * moves back to `streamEnd` and a heartbeat naming a position of the old stream is dropped.
   */
  loadSnapshot(streamEnd: string, records: Iterable<string>, nowEpochSeconds: number, positionReset = false): void {
    for (const json of records) {
      try {
        const r = revocationFromJson(json);
        if (r.exp >= nowEpochSeconds) {
          this.live.apply(r);
        }
      } catch (e) {
        this.skip("snapshot record", e);
      }
    }
    if (positionReset && isStreamId(streamEnd)) {
      this.resetPosition(streamEnd);
    } else {
      this.advance(streamEnd);
    }
    this.isLoaded = true;
    this.confirmPending();
  }

  /** Applies one stream entry (or skips and counts it when it cannot be applied) and moves past it. */
  applyEntry(id: string, fields: Readonly<Record<string, string>>): void {
    try {
      this.live.apply(revocationFromFields(fields));
    } catch (e) {
      this.skip(`stream entry ${id}`, e);
    }
    this.advance(id);
    this.confirmPending();
  }

  /**
   * A heartbeat read from Redis. It counts once every entry up to its stream id has been applied: only then is it
   * true that nothing committed before its `drained_to` is missing here.
   */
  observeHeartbeat(heartbeat: Heartbeat | null): void {
    if (heartbeat === null) {
      return;
    }
    this.publisherRevision = Math.max(this.publisherRevision, heartbeat.rev);
    if (this.pending === null || heartbeat.drainedTo > this.pending.drainedTo) {
      this.pending = heartbeat;
    }
    this.confirmPending();
  }

  private resetPosition(id: string): void {
    this.last = id;
    this.pending = null;
  }

  private advance(id: string): void {
    if (isStreamId(id) && compareStreamIds(id, this.last) > 0) {
      this.last = id;
    }
  }

  private confirmPending(): void {
    const waiting = this.pending;
    if (waiting !== null && this.isLoaded && compareStreamIds(waiting.stream, this.last) <= 0) {
      this.confirmedDrainedTo = Math.max(this.confirmedDrainedTo ?? -Infinity, waiting.drainedTo);
      this.pending = null;
    }
  }

  /** How far behind Keycloak this reader may be: now minus the newest confirmed heartbeat; Infinity before the first. */
  stalenessMs(nowMs: number): number {
    return this.confirmedDrainedTo === null ? Infinity : Math.max(0, nowMs - this.confirmedDrainedTo);
  }

  isRevoked(claims: RevocationClaims): boolean {
    return this.live.isRevoked(claims);
  }

  removeExpired(nowEpochSeconds: number): void {
    this.live.removeExpired(nowEpochSeconds);
  }

  /** Whether a snapshot has been loaded (before that, nothing is known to be revoked). */
  get loaded(): boolean {
    return this.isLoaded;
  }

  get lastApplied(): string {
    return this.last;
  }

  /** Entries that could not be applied (unknown kind or version, malformed), since start. */
  get skipped(): number {
    return this.skippedCount;
  }

  /** Whether the publisher writes a later revision of the contract than this reader knows (update the reader). */
  get outdated(): boolean {
    return this.publisherRevision > CONTRACT_REVISION;
  }

  get liveRevocations(): number {
    return this.live.size;
  }

  /** Counts and logs an entry it could not apply; whatever the error, one entry never stops the reader. */
  private skip(what: string, e: unknown): void {
    const n = ++this.skippedCount;
    // Every skipped entry may be a revocation this reader does not honour: say so, but not once per entry forever.
    if (n <= 10 || (n & (n - 1)) === 0) {
      const why = e instanceof MalformedRevocationError ? e.message : `unexpected: ${String(e)}`;
      this.logger.warn(`Keycloak Guard revocation feed: skipped ${what} (${why}); ${n} skipped so far. `
        + "If this reader is older than the publisher, update it.");
    }
  }
}
