package io.keycloakguard.revocation.contract;

/**
 * A feed entry a reader cannot apply: not JSON, a missing or malformed field, an unknown version or kind. A
 * reader skips it, counts it and goes on (it never stops following the feed because of one entry).
 */
public final class MalformedRevocationException extends IllegalArgumentException {

    public MalformedRevocationException(String message) {
        super(message);
    }

    public MalformedRevocationException(String message, Throwable cause) {
        super(message, cause);
    }
}
