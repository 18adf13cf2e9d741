package io.keycloakguard.authenticators.ratelimit;

import java.time.Duration;

/**
 * One sliding window: at most {@code max} failed logins per address within {@code length}.
 *
 * @param name "window" or "burst", for events and logs
 */
public record Window(String name, int max, Duration length) {
}
