package io.keycloakguard.events.audit;

import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.json.JSONTokener;

import java.util.Locale;
import java.util.Set;

/** An admin event's representation with every secret-like field removed, at any depth. */
final class Representations {

    private static final Set<String> SECRET_WORDS = Set.of("secret", "password", "credential", "privatekey",
            "private_key", "token", "hash", "salt", "certificate", "keystore");

    private Representations() {
    }

    /** The scrubbed JSON text, or null if the representation is absent or not JSON. */
    static String scrub(String representation) {
        if (representation == null || representation.isBlank()) {
            return null;
        }
        try {
            Object value = new JSONTokener(representation).nextValue();
            return String.valueOf(scrubValue(value));
        } catch (JSONException e) {
            return null;
        }
    }

    private static Object scrubValue(Object value) {
        if (value instanceof JSONObject o) {
            JSONObject clean = new JSONObject();
            for (String key : o.keySet()) {
                if (!isSecret(key)) {
                    clean.put(key, scrubValue(o.get(key)));
                }
            }
            return clean;
        }
        if (value instanceof JSONArray a) {
            JSONArray clean = new JSONArray();
            for (int i = 0; i < a.length(); i++) {
                clean.put(scrubValue(a.get(i)));
            }
            return clean;
        }
        return value;
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
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
