import { type FlattenedJWSInput, type JWSHeaderParameters, type RemoteJWKSet, createRemoteJWKSet, errors } from "jose";

type VerificationKey = Awaited<ReturnType<RemoteJWKSet>>;

export interface RealmKeysOptions {
  /** The realm's JWKS URL: `<issuer>/protocol/openid-connect/certs`. */
  jwksUrl: string;
  /** Seconds (default 10): at most one fetch per interval, whatever tokens arrive (Keycloak adapters: 10 s). */
  cooldown?: number | undefined;
  /** Seconds (default 86400): keys are refreshed in the background once they are older (Keycloak adapters: 1 day). */
  maxAge?: number | undefined;
  /** Seconds one fetch may take (default 5). */
  timeout?: number | undefined;
  /** The clock, epoch milliseconds (tests). */
  now?: (() => number) | undefined;
}

/** The realm's keys could not be fetched and none that fits is cached: the token cannot be judged now (503, not 401). */
export class KeysUnavailableError extends Error {
  override name = "KeysUnavailableError";
}

/**
 * The realm's signing keys, fetched with jose's createRemoteJWKSet and held in its cache; this class decides when to
 * fetch. Once at start (or at the first token), again when a token names a key id the cache does not hold (key
 * rotation), and in the background after `maxAge` — but never more than once per `cooldown`, counting failed
 * fetches too: tokens with made-up key ids cannot make it hammer Keycloak, even while Keycloak is down. While
 * Keycloak is down, the cached keys keep serving.
 */
export class RealmKeys {
  readonly url: URL;
  private readonly remote: RemoteJWKSet;
  private readonly cooldownMs: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private hasKeys = false;
  private lastAttempt = -Infinity;
  private lastSuccess = -Infinity;
  private pending: Promise<void> | null = null;
  private fetchCount = 0;
  private error: string | null = null;

  constructor(options: RealmKeysOptions) {
    this.url = new URL(options.jwksUrl);
    this.cooldownMs = (options.cooldown ?? 10) * 1000;
    this.maxAgeMs = (options.maxAge ?? 86_400) * 1000;
    this.now = options.now ?? Date.now;
    // jose's own refresh rules are switched off (it would refetch after every failed fetch): reload() is called here.
    this.remote = createRemoteJWKSet(this.url, {
      cooldownDuration: Infinity,
      cacheMaxAge: Infinity,
      timeoutDuration: Math.round((options.timeout ?? 5) * 1000),
    });
  }

  /** How many times the key set was fetched (successfully or not). */
  get fetches(): number {
    return this.fetchCount;
  }

  /** Why the last fetch failed; null after a successful one. */
  get lastError(): string | null {
    return this.error;
  }

  /** Whether keys are cached. */
  get loaded(): boolean {
    return this.hasKeys;
  }

  /** Fetches the keys now unless a fetch happened within the cooldown; resolves whether keys are cached. */
  async prefetch(): Promise<boolean> {
    await this.refresh().catch(() => undefined);
    return this.hasKeys;
  }

  /** jose's key-lookup function: `jwtVerify(token, keys.getKey, …)`. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<VerificationKey> => {
    if (!this.hasKeys) {
      await this.refresh();
    } else if (this.now() - this.lastSuccess > this.maxAgeMs) {
      this.refresh().catch(() => undefined);
    }
    try {
      return await this.remote(header, token);
    } catch (e) {
      if (e instanceof errors.JWKSNoMatchingKey && this.mayFetch()) {
        await this.refresh();
        return this.remote(header, token);
      }
      throw e;
    }
  };

  private mayFetch(): boolean {
    return this.pending !== null || this.now() - this.lastAttempt >= this.cooldownMs;
  }

  /** One fetch shared by every caller; at most one per cooldown. Throws KeysUnavailableError if it failed. */
  private refresh(): Promise<void> {
    if (this.pending !== null) {
      return this.pending;
    }
    if (!this.mayFetch()) {
      return this.hasKeys
        ? Promise.resolve()
        : Promise.reject(new KeysUnavailableError(`the realm's keys are unavailable (${this.error ?? "not fetched yet"})`));
    }
    this.lastAttempt = this.now();
    this.fetchCount++;
    const fetch = this.remote.reload().then(
      () => {
        this.hasKeys = true;
        this.lastSuccess = this.now();
        this.error = null;
      },
      (e: unknown) => {
        this.error = `${this.url.href}: ${describe(e)}`;
        throw new KeysUnavailableError(`the realm's keys could not be fetched (${this.error})`, { cause: e });
      },
    ).finally(() => {
      this.pending = null;
    });
    this.pending = fetch;
    return fetch;
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = e.cause instanceof Error ? `: ${e.cause.message}` : "";
    return e.message + cause;
  }
  return String(e);
}
