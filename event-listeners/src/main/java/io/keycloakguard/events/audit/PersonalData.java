package io.keycloakguard.events.audit;

import java.util.Locale;
import java.util.Set;

/**
 * Which fields of an event (details, and keys of an admin event's representation) hold the same data as a record's
 * {@code username} and {@code ip}, so that {@code hash-usernames} and {@code truncate-ip} reach every copy of it, not
 * only the top-level field. Keys are compared {@link #normalise normalised}: {@code previous_email},
 * {@code previousEmail} and {@code previous.email} are one key.
 */
final class PersonalData {

    /** Who the user is: names, e-mail addresses, identities at brokers and in certificates, who impersonated them. */
    private static final Set<String> IDENTITY = Set.of("username", "email", "firstname", "lastname", "impersonator",
            "identityprovideridentity", "previoususer", "requestedsubject", "x509certsubjectdistinguishedname",
            "loginusername");

    /** Exceptions among them: identifiers of tokens, not data of the user. */
    private static final Set<String> NOT_PERSONAL = Set.of("updatedrefreshtokenid");

    private PersonalData() {
    }

    /** Lower case, letters and digits only. */
    static String normalise(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (char c : key.toLowerCase(Locale.ROOT).toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Whether the field identifies the user (hashed with hash-usernames). */
    static boolean isIdentity(String key) {
        String k = normalise(key);
        if (NOT_PERSONAL.contains(k)) {
            return false;
        }
        String lower = key.toLowerCase(Locale.ROOT);
        // A profile change reports every changed attribute: an e-mail address, a name, a phone number, ...
        return IDENTITY.contains(k) || lower.startsWith("previous_") || lower.startsWith("updated_");
    }

    /** Whether the field holds a client's IP address (truncated with truncate-ip). */
    static boolean isAddress(String key) {
        String k = normalise(key);
        return k.equals("ip") || key.toLowerCase(Locale.ROOT).endsWith("_ip") || k.endsWith("ipaddress");
    }
}
