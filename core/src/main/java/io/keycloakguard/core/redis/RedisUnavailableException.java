package io.keycloakguard.core.redis;

/** Redis could not be reached; callers fall back (fail open, keep the record in the outbox, …). */
public class RedisUnavailableException extends RuntimeException {

    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
