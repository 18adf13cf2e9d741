import { type GuardHealth, type KeycloakGuard, OUTCOMES } from "./guard.js";

/** The parts of prom-client used here (typed structurally: prom-client stays the application's own dependency). */
export interface PromClientLike<Registry> {
  Gauge: new (config: MetricConfig<Registry>) => { set(labels: Record<string, string>, value: number): void };
  Counter: new (config: MetricConfig<Registry>) => { reset(): void; inc(labels: Record<string, string>, value: number): void };
  register: Registry;
}

export interface MetricConfig<Registry> {
  name: string;
  help: string;
  labelNames: string[];
  registers: Registry[];
  collect: () => void;
}

/**
 * Prometheus metrics of a guard with the application's prom-client (`npm install prom-client`):
 * `registerMetrics(guard, promClient)`. Every value is read from guard.health() at scrape time, under the same names
 * as the other languages' packages: `keycloak_guard_feed_ready`, `_connected`, `_stale`, `_staleness_seconds` (+Inf
 * before the first heartbeat), `_live_revocations`, `_outdated`, `keycloak_guard_feed_skipped_entries_total` and
 * `keycloak_guard_requests_total{outcome}`, each labelled with the realm.
 */
export function registerMetrics<Registry>(guard: KeycloakGuard, promClient: PromClientLike<Registry>,
                                          registry: Registry = promClient.register): void {
  const read = (): GuardHealth => guard.health();
  const realm = { realm: guard.realm };
  const gauge = (name: string, help: string, value: (h: GuardHealth) => number): void => {
    const metric: { set(labels: Record<string, string>, value: number): void } = new promClient.Gauge({
      name, help, labelNames: ["realm"], registers: [registry],
      collect: () => metric.set(realm, value(read())),
    });
  };
  const flag = (b: boolean): number => (b ? 1 : 0);
  gauge("keycloak_guard_feed_ready", "1 once the revocation snapshot has loaded", (h) => flag(h.feed.ready));
  gauge("keycloak_guard_feed_connected", "1 while Redis answers the follower", (h) => flag(h.feed.connected));
  gauge("keycloak_guard_feed_stale", "1 while the feed is older than staleAfter", (h) => flag(h.feed.stale));
  gauge("keycloak_guard_feed_staleness_seconds", "Age of the newest confirmed publisher heartbeat (+Inf before the first)",
    (h) => h.feed.stalenessSeconds ?? Infinity);
  gauge("keycloak_guard_feed_live_revocations", "Revocations held in memory", (h) => h.feed.liveRevocations);
  gauge("keycloak_guard_feed_outdated", "1 if the publisher writes a later contract revision", (h) => flag(h.feed.outdated));
  const skipped: { reset(): void; inc(labels: Record<string, string>, value: number): void } = new promClient.Counter({
    name: "keycloak_guard_feed_skipped_entries_total", help: "Feed entries that could not be applied",
    labelNames: ["realm"], registers: [registry],
    collect: () => {
      skipped.reset();
      skipped.inc(realm, read().feed.skippedEntries);
    },
  });
  const requests: { reset(): void; inc(labels: Record<string, string>, value: number): void } = new promClient.Counter({
    name: "keycloak_guard_requests_total", help: "Bearer token checks by outcome",
    labelNames: ["realm", "outcome"], registers: [registry],
    collect: () => {
      requests.reset();
      const counts = read().requests;
      for (const outcome of OUTCOMES) {
        requests.inc({ ...realm, outcome }, counts[outcome]);
      }
    },
  });
}
