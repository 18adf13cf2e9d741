package io.keycloakguard.core.audit;

import org.json.JSONArray;
import org.json.JSONObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one JSON form audit records are hashed and written in: object keys sorted (by UTF-16 code units,
 * as {@link String#compareTo}), no whitespace, integers only (no floating point), strings escaped minimally
 * ({@code \" \\ \b \f \n \r \t} and {@code \\u00XX} for other control characters), UTF-8 on the wire.
 * Parsing a line and writing it again gives the same bytes, which is what lets the verifier re-hash it.
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    public static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(out, value);
        return out.toString();
    }

    /** Parses one JSON object into maps, lists, strings, longs, booleans and nulls. */
    public static Map<String, Object> parse(String json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) normalise(new JSONObject(json));
        return map;
    }

    private static Object normalise(Object value) {
        if (value instanceof JSONObject o) {
            Map<String, Object> map = new TreeMap<>();
            for (String key : o.keySet()) {
                map.put(key, normalise(o.get(key)));
            }
            return map;
        }
        if (value instanceof JSONArray a) {
            List<Object> list = new ArrayList<>(a.length());
            for (int i = 0; i < a.length(); i++) {
                list.add(normalise(a.get(i)));
            }
            return list;
        }
        if (value == JSONObject.NULL) {
            return null;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger b) {
            return b.longValueExact();
        }
        if (value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
            throw new IllegalArgumentException("audit records hold integers only, found " + value);
        }
        return value;
    }

    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.append(((Number) value).longValue());
        } else if (value instanceof Map<?, ?> map) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, e.getKey());
                out.append(':');
                write(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(out, item);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not a canonical JSON value: " + value.getClass().getName());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
