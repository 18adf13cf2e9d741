"""Prometheus metrics (``pip install keycloak-guard[prometheus]``): ``register(guard)`` adds a collector that reads
the guard's health at scrape time (nothing is counted twice, nothing runs between scrapes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .guard import KeycloakGuard

__all__ = ["KeycloakGuardCollector", "register"]


class KeycloakGuardCollector(Collector):
    def __init__(self, guard: KeycloakGuard) -> None:
        self.guard = guard

    def collect(self) -> Iterator[Metric]:
        health: dict[str, Any] = self.guard.health()
        feed = health["feed"]
        realm = health["realm"]
        labels = ["realm"]

        def gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
            g = GaugeMetricFamily(name, doc, labels=labels)
            g.add_metric([realm], value)
            return g

        yield gauge("keycloak_guard_feed_ready", "1 once the revocation snapshot has loaded", feed["ready"])
        yield gauge("keycloak_guard_feed_connected", "1 while Redis answers the follower", feed["connected"])
        yield gauge("keycloak_guard_feed_stale", "1 while the feed is older than stale_after", feed["stale"])
        staleness = feed["staleness_seconds"]
        yield gauge(
            "keycloak_guard_feed_staleness_seconds",
            "Age of the newest confirmed publisher heartbeat (+Inf before the first)",
            float("inf") if staleness is None else staleness,
        )
        yield gauge("keycloak_guard_feed_live_revocations", "Revocations held in memory", feed["live_revocations"])
        yield gauge(
            "keycloak_guard_feed_outdated", "1 if the publisher writes a later contract revision", feed["outdated"]
        )
        skipped = CounterMetricFamily(
            "keycloak_guard_feed_skipped_entries", "Feed entries that could not be applied", labels=labels
        )
        skipped.add_metric([realm], feed["skipped_entries"])
        yield skipped
        requests = CounterMetricFamily(
            "keycloak_guard_requests", "Bearer token checks by outcome", labels=[*labels, "outcome"]
        )
        for outcome, n in health["requests"].items():
            requests.add_metric([realm, outcome], n)
        yield requests


def register(guard: KeycloakGuard, registry: CollectorRegistry = REGISTRY) -> KeycloakGuardCollector:
    collector = KeycloakGuardCollector(guard)
    registry.register(collector)
    return collector
