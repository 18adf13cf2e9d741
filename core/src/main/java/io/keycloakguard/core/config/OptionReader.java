package io.keycloakguard.core.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Reads typed options from a raw key/value source (a Keycloak {@code Config.Scope}, an authenticator
 * config map) once, so hot paths never re-parse strings. Every error names the option as the admin
 * or operator spelled it, and the offending value.
 */
public final class OptionReader {

    private final Function<String, String> lookup;
    private final UnaryOperator<String> displayName;

    /**
     * @param lookup      returns the raw value of an option, or null when it is not set
     * @param displayName turns an option key into the name the user typed (e.g. the full {@code spi-…} option)
     */
    public OptionReader(Function<String, String> lookup, UnaryOperator<String> displayName) {
        this.lookup = lookup;
        this.displayName = displayName;
    }

    public String string(String key, String defaultValue) {
        String raw = raw(key);
        return raw == null ? defaultValue : raw;
    }

    public boolean bool(String key, boolean defaultValue) {
        String raw = raw(key);
        if (raw == null) {
            return defaultValue;
        }
        switch (raw.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw invalid(key, raw, "must be true or false");
        }
    }

    public int integer(String key, int defaultValue, int min, int max) {
        String raw = raw(key);
        if (raw == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "must be a whole number");
        }
        if (value < min || value > max) {
            throw invalid(key, raw, "must be between " + min + " and " + max);
        }
        return value;
    }

    /** A duration in milliseconds ({@code 1500}) or with a unit ({@code 1500ms}, {@code 2s}, {@code 5m}, {@code 1h}). */
    public Duration duration(String key, Duration defaultValue, Duration min) {
        String raw = raw(key);
        if (raw == null) {
            return defaultValue;
        }
        Duration value = parseDuration(raw);
        if (value == null) {
            throw invalid(key, raw, "must be a duration such as 2000, 2000ms, 2s, 5m or 1h");
        }
        if (value.compareTo(min) < 0) {
            throw invalid(key, raw, "must be at least " + min.toMillis() + "ms");
        }
        return value;
    }

    /**
     * One of an enum's constants, by its id ({@code device-or-network}) or, for a {@link LabelledChoice}, by its
     * label as the console stores it, in any case.
     */
    public <E extends Enum<E>> E choice(String key, E defaultValue, Class<E> type) {
        String raw = raw(key);
        if (raw == null) {
            return defaultValue;
        }
        String id = raw.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(id)
                    || constant instanceof LabelledChoice labelled && labelled.label().equalsIgnoreCase(raw.trim())) {
                return constant;
            }
        }
        List<String> allowed = Arrays.stream(type.getEnumConstants())
                .map(c -> c instanceof LabelledChoice labelled ? labelled.label()
                        : c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .toList();
        throw invalid(key, raw, "must be one of " + allowed);
    }

    /** The labels of a labelled enum, for a LIST_TYPE property's options. */
    public static <E extends Enum<E> & LabelledChoice> List<String> labels(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(LabelledChoice::label).toList();
    }

    /** A comma-separated list; blanks are dropped. */
    public List<String> list(String key) {
        String raw = raw(key);
        if (raw == null) {
            return List.of();
        }
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public InvalidConfigurationException invalid(String key, String value, String rule) {
        return new InvalidConfigurationException(
                "Invalid value '" + value + "' for option '" + displayName.apply(key) + "': " + rule);
    }

    private String raw(String key) {
        String value = lookup.apply(key);
        if (value == null || value.isBlank()) {
            return null;
        }
        return value.trim();
    }

    /** A duration as the options spell it (see {@link #duration}), or null when it is not one. */
    public static Duration parseDuration(String raw) {
        String s = raw.trim().toLowerCase(Locale.ROOT);
        long factorMillis;
        String digits;
        if (s.endsWith("ms")) {
            factorMillis = 1;
            digits = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            factorMillis = 1000;
            digits = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            factorMillis = 60_000;
            digits = s.substring(0, s.length() - 1);
        } else if (s.endsWith("h")) {
            factorMillis = 3_600_000;
            digits = s.substring(0, s.length() - 1);
        } else {
            factorMillis = 1;
            digits = s;
        }
        try {
            long amount = Long.parseLong(digits.trim());
            return Duration.ofMillis(Math.multiplyExact(amount, factorMillis));
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }
}
