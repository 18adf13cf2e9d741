package io.keycloakguard.revocation.contract;

/**
 * The revision of contract v1 this code implements. Revisions only add (new kinds, new keys); a reader skips
 * what a later revision added and says so (the heartbeat names the publisher's revision).
 *
 * <ul>
 *   <li>1: kinds session, user, client-grant, token; snapshot, expiry index, stream, seen markers.</li>
 *   <li>2: kind client (a client's not-before); the publisher heartbeat; per-realm data markers.</li>
 * </ul>
 */
public final class ContractRevision {

    /** The major version: the {@code v} field of every record and the {@code v1} in every key. */
    public static final int VERSION = 1;

    /** The revision this code reads and writes. */
    public static final int CURRENT = 2;

    private ContractRevision() {
    }
}
