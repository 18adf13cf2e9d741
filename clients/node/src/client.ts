import { Redis, type RedisOptions } from "ioredis";
import { type Heartbeat, RevocationKeys, ZERO_ID, compareStreamIds, heartbeatFromFields } from "./contract.js";
import { FeedState, type Logger, type RevocationClaims } from "./state.js";

/** How often the follower checks that the stream was not trimmed past it, besides after every reconnect. */
const TRIM_CHECK_MS = 30_000;
/** Retry delays while Redis does not answer: short, so the feed is current again right after Redis is back. */
const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 250;

/** ioredis options the follower accepts (replies are read in their RESP2 shapes). */
export type FollowerRedisOptions = Omit<RedisOptions, "replyMapping" | "protocol">;

export interface RevocationClientOptions {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://…` (TLS): the Redis the pack writes the feed to. */
  redisUrl?: string | undefined;
  /**
   * Further ioredis options (TLS certificates, Sentinel: `sentinels` + `name`, …), applied over the follower's own
   * (which keep retries short and commands failing fast while Redis is away: leave those alone).
   */
  redisOptions?: FollowerRedisOptions | undefined;
  /** The realm **name** whose feed to follow. */
  realm: string;
  /** The pack's key-prefix option (default `kcguard:`). */
  keyPrefix?: string | undefined;
  /** Seconds (default 10): the feed is stale when the newest confirmed publisher heartbeat is older. */
  staleAfter?: number | undefined;
  /** Treat every token as revoked while the feed is stale or not loaded yet (default false: answer from memory). */
  failClosed?: boolean | undefined;
  /** Seconds one stream read waits for news (default 1); also bounds how fast stop() returns. */
  pollBlock?: number | undefined;
  /** Where warnings go (default: console). */
  logger?: Logger | undefined;
  /** The clock, epoch milliseconds (tests). */
  now?: (() => number) | undefined;
}

/** What a health endpoint shows about the feed. */
export interface FeedHealth {
  /** The snapshot has loaded once (until then no revocation is known). */
  ready: boolean;
  /** The last Redis command succeeded. */
  connected: boolean;
  /** Staleness is beyond staleAfter (or no publisher heartbeat confirmed yet). */
  stale: boolean;
  /** How far behind Keycloak this reader may be, in seconds; null before the first confirmed heartbeat. */
  stalenessSeconds: number | null;
  staleAfterSeconds: number;
  failClosed: boolean;
  lastAppliedId: string;
  liveRevocations: number;
  /** Feed entries that could not be applied (unknown kind or version, malformed) and were skipped. */
  skippedEntries: number;
  /** The publisher writes a later revision of the contract than this package reads: update the package. */
  outdated: boolean;
  /** How many times the snapshot was (re)loaded: once at start, again after a trimmed stream. */
  snapshotLoads: number;
  lastError: string | null;
}

type StreamReply = Array<[string, Array<[string, string[]]>]> | null;

/**
 * Keeps one realm's live revocations in memory by loading the snapshot from Redis and following the stream, and
 * knows how fresh that is from the publisher heartbeat. `isRevoked` reads memory only and is synchronous.
 *
 * ```js
 * const revocations = new RevocationClient({ redisUrl: "redis://redis:6379", realm: "my-realm" }).start();
 * await revocations.waitReady(10);          // before serving: until then no revocation is known
 * if (revocations.isRevoked(verifiedPayload)) reject();
 * ```
 *
 * The follower is one async loop on a Redis connection of its own (its XREAD blocks that connection). It survives
 * every error: a lost connection (it resumes after the last entry it applied), a Redis that restarted with or
 * without its data, a stream trimmed past it (it reloads the snapshot and merges it), an entry it cannot read
 * (skipped and counted).
 */
export class RevocationClient {
  readonly realm: string;
  readonly keys: RevocationKeys;
  readonly staleAfterMs: number;
  readonly failClosed: boolean;
  private readonly pollBlockMs: number;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly redisUrl: string | undefined;
  private readonly redisOptions: FollowerRedisOptions | undefined;
  private readonly state: FeedState;

  private redis: Redis | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private connectedFlag = false;
  private lastError: string | null = null;
  private loads = 0;
  private readyWaiters: Array<() => void> = [];
  private wake: (() => void) | null = null;

  constructor(options: RevocationClientOptions) {
    if (!options.realm) {
      throw new TypeError("realm is required");
    }
    if (!options.redisUrl && !options.redisOptions) {
      throw new TypeError("redisUrl is required");
    }
    this.realm = options.realm;
    this.keys = new RevocationKeys(options.keyPrefix ?? "kcguard:", options.realm);
    this.staleAfterMs = seconds("staleAfter", options.staleAfter ?? 10) * 1000;
    this.failClosed = options.failClosed ?? false;
    this.pollBlockMs = Math.max(1, Math.round(seconds("pollBlock", options.pollBlock ?? 1) * 1000));
    this.logger = options.logger ?? console;
    this.now = options.now ?? Date.now;
    this.redisUrl = options.redisUrl;
    this.redisOptions = options.redisOptions;
    this.state = new FeedState(this.logger);
  }

  /**
   * True when the claims belong to a revoked token, session, user, grant or client; also true while the feed is
   * stale (or not loaded yet) if built with `failClosed`. Synchronous, memory only.
   */
  isRevoked(claims: RevocationClaims): boolean {
    if (this.failClosed && this.isStale()) {
      return true;
    }
    return this.state.isRevoked(claims);
  }

  /**
   * express-jwt's `isRevoked` hook: `expressjwt({ ..., isRevoked: revocations.expressJwtIsRevoked })`. A request
   * without a decoded token counts as revoked.
   */
  readonly expressJwtIsRevoked = async (_req: unknown, token: { payload?: unknown } | undefined): Promise<boolean> => {
    const payload = token?.payload;
    return payload === null || typeof payload !== "object" ? true : this.isRevoked(payload as RevocationClaims);
  };

  /** Starts following in the background; the snapshot loads asynchronously: see waitReady(). */
  start(): this {
    if (this.running) {
      return this;
    }
    this.running = true;
    const redis = this.connect();
    this.redis = redis;
    this.loop = this.follow(redis);
    return this;
  }

  /** Stops following and closes the connection; resolves when the follower has ended. */
  async stop(): Promise<void> {
    this.running = false;
    this.redis?.disconnect();
    this.wake?.();
    await this.loop;
    this.loop = null;
    this.redis = null;
  }

  /**
   * Waits until the snapshot has loaded once, at most `timeoutSeconds`. Until then the client knows no revocation:
   * a resource server waits for this before serving.
   */
  waitReady(timeoutSeconds = 10): Promise<boolean> {
    if (this.ready) {
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== done);
        resolve(false);
      }, Math.max(0, timeoutSeconds * 1000));
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.readyWaiters.push(done);
    });
  }

  get ready(): boolean {
    return this.state.loaded;
  }

  get connected(): boolean {
    return this.connectedFlag;
  }

  /** Milliseconds this client may be behind Keycloak (Infinity before the first confirmed heartbeat). */
  stalenessMs(): number {
    return this.state.stalenessMs(this.now());
  }

  isStale(): boolean {
    return this.state.stalenessMs(this.now()) > this.staleAfterMs;
  }

  get lastAppliedId(): string {
    return this.state.lastApplied;
  }

  get liveRevocations(): number {
    return this.state.liveRevocations;
  }

  get skippedEntries(): number {
    return this.state.skipped;
  }

  get snapshotLoads(): number {
    return this.loads;
  }

  health(): FeedHealth {
    const staleness = this.state.stalenessMs(this.now());
    return {
      ready: this.ready,
      connected: this.connectedFlag,
      stale: staleness > this.staleAfterMs,
      stalenessSeconds: Number.isFinite(staleness) ? staleness / 1000 : null,
      staleAfterSeconds: this.staleAfterMs / 1000,
      failClosed: this.failClosed,
      lastAppliedId: this.state.lastApplied,
      liveRevocations: this.state.liveRevocations,
      skippedEntries: this.state.skipped,
      outdated: this.state.outdated,
      snapshotLoads: this.loads,
      lastError: this.lastError,
    };
  }

  private connect(): Redis {
    const options: FollowerRedisOptions & { protocol: 2 } = {
      connectionName: `keycloak-guard-revocations-${this.realm}`,
      // Commands fail at once while the connection is down (the follower retries them itself, and learns of the
      // outage); nothing is queued or resent behind its back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Reconnect quickly and forever: the feed must be current again as soon as Redis answers.
      retryStrategy: (times: number) => Math.min(times * FIRST_BACKOFF_MS, MAX_BACKOFF_MS),
      connectTimeout: 2_000,
      // A connection that stops answering (a peer gone without a reset) is dropped and made again.
      socketTimeout: this.pollBlockMs + 5_000,
      ...this.redisOptions,
      // RESP2: the reply shapes every Redis >= 5 gives, whatever the server's default protocol.
      protocol: 2,
    };
    const redis = this.redisUrl ? new Redis(this.redisUrl, options) : new Redis(options);
    // Connection errors arrive here (and the follower retries); without a listener Node would crash the app.
    redis.on("error", (e: Error) => this.failed(e));
    return redis;
  }

  private async follow(redis: Redis): Promise<void> {
    let reconnected = true;
    let lastTrimCheck = 0;
    let backoff = FIRST_BACKOFF_MS;
    while (this.running) {
      try {
        await this.pause(redis, MAX_BACKOFF_MS, true);
        if (!this.running || redis.status !== "ready") {
          continue;
        }
        if (!this.state.loaded) {
          await this.loadSnapshot(redis);
        } else if (reconnected || this.now() - lastTrimCheck > TRIM_CHECK_MS) {
          lastTrimCheck = this.now();
          const position = await this.streamPosition(redis);
          if (position === "replaced") {
            this.logger.info("Keycloak Guard revocation feed: the stream ends before the last applied entry "
              + "(Redis was replaced or lost its data); reloading the snapshot from its start");
            await this.loadSnapshot(redis, true);
          } else if (position === "trimmed") {
            this.logger.info("Keycloak Guard revocation feed: the stream no longer holds the last applied entry; "
              + "reloading the snapshot");
            await this.loadSnapshot(redis);
          }
        }
        reconnected = false;
        await this.readStream(redis);
        await this.readHeartbeat(redis);
        this.state.removeExpired(Math.floor(this.now() / 1000));
        this.connectedFlag = true;
        this.lastError = null;
        backoff = FIRST_BACKOFF_MS;
      } catch (e) {
        if (!this.running) {
          break;
        }
        this.failed(e);
        reconnected = true;
        // Also when the connection stays up (an error reply such as NOPERM): do not spin.
        await this.pause(redis, backoff, false);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private failed(e: unknown): void {
    if (!this.running) {
      return;
    }
    const message = e instanceof Error ? e.message : String(e);
    if (this.connectedFlag || this.lastError === null) {
      this.logger.warn(`Keycloak Guard revocation feed: Redis unavailable (${message}); retrying`);
    }
    this.connectedFlag = false;
    this.lastError = message;
  }

  /**
   * Waits at most `ms`, less when stop() is called or (with `untilReady`) as soon as the connection is ready: the
   * follower resumes the moment Redis answers again. With `untilReady` and a ready connection it does not wait.
   */
  private pause(redis: Redis, ms: number, untilReady: boolean): Promise<void> {
    if (!this.running || (untilReady && redis.status === "ready")) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        redis.off("ready", onReady);
        this.wake = null;
        resolve();
      };
      const onReady = (): void => {
        if (untilReady) {
          done();
        }
      };
      const timer = setTimeout(done, ms);
      redis.on("ready", onReady);
      this.wake = done;
    });
  }

  /** Snapshot then stream with no gap: remember where the stream ends, then read the snapshot. */
  private async loadSnapshot(redis: Redis, positionReset = false): Promise<void> {
    const newest = (await redis.xrevrange(this.keys.stream, "+", "-", "COUNT", 1)) as Array<[string, string[]]>;
    const streamEnd = newest.length === 0 ? ZERO_ID : newest[0]![0];
    const records = await redis.hgetall(this.keys.records);
    this.state.loadSnapshot(streamEnd, Object.values(records), Math.floor(this.now() / 1000), positionReset);
    this.loads++;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    waiters.forEach((w) => w());
    await this.readHeartbeat(redis);
  }

  /**
   * Whether reading on from the last applied entry misses nothing: "trimmed" when the stream now starts after it,
   * "replaced" when it ends before it or is empty (a new Redis, or one that lost its data): XREAD from the old
   * position would never return the new stream's entries.
   */
  private async streamPosition(redis: Redis): Promise<"continuous" | "trimmed" | "replaced"> {
    const last = this.state.lastApplied;
    if (last === ZERO_ID) {
      return "continuous";
    }
    const newest = (await redis.xrevrange(this.keys.stream, "+", "-", "COUNT", 1)) as Array<[string, string[]]>;
    if (newest.length === 0 || compareStreamIds(newest[0]![0], last) < 0) {
      return "replaced";
    }
    const oldest = (await redis.xrange(this.keys.stream, "-", "+", "COUNT", 1)) as Array<[string, string[]]>;
    return oldest.length !== 0 && compareStreamIds(oldest[0]![0], last) > 0 ? "trimmed" : "continuous";
  }

  private async readStream(redis: Redis): Promise<void> {
    const batches = (await redis.xread("COUNT", 1000, "BLOCK", this.pollBlockMs, "STREAMS", this.keys.stream,
      this.state.lastApplied)) as StreamReply;
    if (batches === null) {
      return;
    }
    for (const [, entries] of batches) {
      for (const [id, flat] of entries) {
        this.state.applyEntry(id, pairs(flat));
      }
    }
  }

  private async readHeartbeat(redis: Redis): Promise<void> {
    const heartbeat: Heartbeat | null = heartbeatFromFields(await redis.hgetall(this.keys.heartbeat));
    this.state.observeHeartbeat(heartbeat);
  }
}

function pairs(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    fields[flat[i]!] = flat[i + 1]!;
  }
  return fields;
}

function seconds(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number of seconds, not ${String(value)}`);
  }
  return value;
}
