package io.keycloakguard.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OptionReaderTest {

    private final OptionReader reader = new OptionReader(
            Map.of("n", " 42 ", "blank", "  ", "list", "a, ,b,", "big", "99999999999")::get, k -> "opt-" + k);

    @Test
    void trimsAndTreatsBlankAsUnset() {
        assertEquals(42, reader.integer("n", 0, 0, 100));
        assertEquals(7, reader.integer("blank", 7, 0, 100));
        assertEquals("d", reader.string("missing", "d"));
    }

    @Test
    void listsDropBlanks() {
        assertEquals(List.of("a", "b"), reader.list("list"));
        assertEquals(List.of(), reader.list("missing"));
    }

    @Test
    void outOfRangeNamesTheOption() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> reader.integer("n", 0, 0, 10));
        assertEquals("Invalid value '42' for option 'opt-n': must be between 0 and 10", e.getMessage());
        assertThrows(InvalidConfigurationException.class, () -> reader.integer("big", 0, 0, 10));
    }

    @Test
    void parsesDurationUnitsAndRejectsOverflow() {
        assertEquals(Duration.ofHours(2), OptionReader.parseDuration("2h"));
        assertEquals(Duration.ofMillis(10), OptionReader.parseDuration("10ms"));
        assertNull(OptionReader.parseDuration("9223372036854775807h"));
        assertNull(OptionReader.parseDuration("s"));
    }

    enum Speed implements LabelledChoice {
        SLOW_START("Start slowly"), FAST("Go fast");

        private final String label;

        Speed(String label) {
            this.label = label;
        }

        @Override
        public String label() {
            return label;
        }
    }

    /** The console stores a labelled choice's words; the short ids written before still read. */
    @Test
    void aLabelledChoiceReadsItsLabelAndItsId() {
        assertEquals(Speed.SLOW_START, new OptionReader(Map.of("speed", "start slowly")::get, k -> k)
                .choice("speed", Speed.FAST, Speed.class));
        assertEquals(Speed.SLOW_START, new OptionReader(Map.of("speed", "slow-start")::get, k -> k)
                .choice("speed", Speed.FAST, Speed.class));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> new OptionReader(Map.of("speed", "warp")::get, k -> k).choice("speed", Speed.FAST, Speed.class));
        assertEquals("Invalid value 'warp' for option 'speed': must be one of [Start slowly, Go fast]", e.getMessage());
        assertEquals(List.of("Start slowly", "Go fast"), OptionReader.labels(Speed.class));
    }
}
