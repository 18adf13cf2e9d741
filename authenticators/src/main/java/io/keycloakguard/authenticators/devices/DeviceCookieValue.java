package io.keycloakguard.authenticators.devices;

import javax.crypto.SecretKey;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The device cookie's value: up to {@link #MAX_ENTRIES} entries {@code <device id>.<signature>} joined by
 * {@code ~}, the most recently signed-in user's first. Which user an entry belongs to shows only by checking its
 * signature with that user's id, so the cookie names no user.
 */
public final class DeviceCookieValue {

    /** Users of one browser whose devices it remembers; the oldest falls off. */
    static final int MAX_ENTRIES = 5;
    /** Far above what the pack writes (5 x 80 characters + separators); anything longer is not read at all. */
    private static final int MAX_LENGTH = 4096;
    private static final Pattern ENTRY = Pattern.compile("[0-9a-f-]{36}\\.[A-Za-z0-9_-]{43}");

    record Entry(String deviceId, byte[] signature) {

        static Optional<Entry> parse(String text) {
            if (!ENTRY.matcher(text).matches()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Entry(text.substring(0, 36), Base64.getUrlDecoder().decode(text.substring(37))));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        @Override
        public String toString() {
            return deviceId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        }
    }

    private final List<Entry> entries;

    private DeviceCookieValue(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The well-formed entries of a raw cookie value (malformed ones are dropped; null or oversized is empty). */
    public static DeviceCookieValue parse(String raw) {
        List<Entry> entries = new ArrayList<>();
        if (raw != null && raw.length() <= MAX_LENGTH) {
            for (String part : raw.split("~", -1)) {
                Entry.parse(part).ifPresent(entries::add);
                if (entries.size() == MAX_ENTRIES) {
                    break;
                }
            }
        }
        return new DeviceCookieValue(entries);
    }

    List<Entry> entries() {
        return entries;
    }

    /**
     * The device the cookie proves for the user: an entry signed for this user, else an entry of the first,
     * realm-only format (see {@link DeviceCookie.Claim}).
     */
    Optional<DeviceCookie.Claim> claimFor(String realmId, String userId, List<SecretKey> keys) {
        for (Entry e : entries) {
            if (signedFor(e, realmId, userId, keys)) {
                return Optional.of(new DeviceCookie.Claim(e.deviceId(), true));
            }
        }
        for (Entry e : entries) {
            for (SecretKey key : keys) {
                if (MessageDigest.isEqual(e.signature(), DeviceCookie.signUnbound(key, realmId, e.deviceId()))) {
                    return Optional.of(new DeviceCookie.Claim(e.deviceId(), false));
                }
            }
        }
        return Optional.empty();
    }

    /** This value with the user's entry (signed with {@code active}) first, replacing any earlier one of the user. */
    DeviceCookieValue withEntryFor(String realmId, String userId, String deviceId, SecretKey active, List<SecretKey> keys) {
        List<Entry> next = new ArrayList<>();
        next.add(new Entry(deviceId, DeviceCookie.sign(active, realmId, userId, deviceId)));
        for (Entry e : entries) {
            if (next.size() == MAX_ENTRIES) {
                break;
            }
            if (!signedFor(e, realmId, userId, keys)) {
                // Another user's, a first-format one (which another user may still rely on), or one no key of the
                // realm verifies (which proves nothing to anyone, and falls off as users sign in).
                next.add(e);
            }
        }
        return new DeviceCookieValue(next);
    }

    private static boolean signedFor(Entry e, String realmId, String userId, List<SecretKey> keys) {
        for (SecretKey key : keys) {
            if (MessageDigest.isEqual(e.signature(), DeviceCookie.sign(key, realmId, userId, e.deviceId()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return String.join("~", entries.stream().map(Entry::toString).toList());
    }
}
