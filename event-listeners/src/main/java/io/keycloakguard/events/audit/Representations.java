package io.keycloakguard.events.audit;

import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.json.JSONTokener;

import java.util.Set;
import java.util.function.BiFunction;

/**
 * An admin event's representation with every secret-like field removed, at any depth, and the privacy options
 * applied to the fields that hold personal data.
 */
final class Representations {

    /**
     * Compared with keys {@link PersonalData#normalise normalised}: {@code saml.signing.private.key},
     * {@code private_key} and {@code privateKey} all contain {@code privatekey}.
     */
    private static final Set<String> SECRET_WORDS = Set.of("secret", "password", "credential", "privatekey",
            "token", "hash", "salt", "certificate", "keystore");

    private Representations() {
    }

    /** The scrubbed JSON text, or null if the representation is absent or not JSON. */
    static String scrub(String representation) {
        return scrub(representation, (key, value) -> value);
    }

    /**
     * The scrubbed JSON text, each remaining string value passed through {@code mask} with its key (e.g. to hash
     * an e-mail address); null if the representation is absent or not JSON.
     */
    static String scrub(String representation, BiFunction<String, String, String> mask) {
        if (representation == null || representation.isBlank()) {
            return null;
        }
        try {
            Object value = new JSONTokener(representation).nextValue();
            return String.valueOf(scrubValue(null, value, mask));
        } catch (JSONException e) {
            return null;
        }
    }

    private static Object scrubValue(String key, Object value, BiFunction<String, String, String> mask) {
        if (value instanceof JSONObject o) {
            JSONObject clean = new JSONObject();
            for (String k : o.keySet()) {
                if (!isSecret(k)) {
                    clean.put(k, scrubValue(k, o.get(k), mask));
                }
            }
            return clean;
        }
        if (value instanceof JSONArray a) {
            JSONArray clean = new JSONArray();
            for (int i = 0; i < a.length(); i++) {
                clean.put(scrubValue(key, a.get(i), mask));
            }
            return clean;
        }
        if (key != null && value instanceof String text) {
            String masked = mask.apply(key, text);
            return masked == null ? JSONObject.NULL : masked;
        }
        return value;
    }

    static boolean isSecret(String key) {
        String k = PersonalData.normalise(key);
        if (k.endsWith("id") || k.endsWith("type")) {
            // Identifiers and types (refresh_token_id, credential_type, tokenId) name a secret, they are not one.
            return false;
        }
        if (k.equals("value")) {
            // Credential representations carry the password as "value".
            return true;
        }
        return SECRET_WORDS.stream().anyMatch(k::contains);
    }
}
