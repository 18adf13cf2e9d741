package io.keycloakguard.core.rest;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestInputsTest {

    @Test
    void onlyWholeNumbersInTheirRangeAreNumbers() {
        assertEquals(7L, RequestInputs.wholeNumber(" 7 ", 0, Integer.MAX_VALUE));
        assertEquals((long) Integer.MAX_VALUE, RequestInputs.wholeNumber("2147483647", 0, Integer.MAX_VALUE));
        for (String bad : new String[]{"3000000000", "-1", "99999999999999999999999", "abc", "1e3", "0x10", "1.5", ""}) {
            assertNull(RequestInputs.wholeNumber(bad, 0, Integer.MAX_VALUE), bad);
        }
        assertEquals(0, RequestInputs.number("first", null, 0, 0, 10));
        assertEquals(0, RequestInputs.number("first", " ", 0, 0, 10));
    }

    @Test
    void lookupsRefuseControlCharactersAndOverlongValues() {
        assertTrue(RequestInputs.isLookupable("2f1b0c1e-4a1d-4d6b-9a53-0b8c2c1a9f00", 36));
        assertTrue(RequestInputs.isLookupable("ünïcødé 😀", 36));
        assertFalse(RequestInputs.isLookupable(null, 36));
        assertFalse(RequestInputs.isLookupable("", 36));
        assertFalse(RequestInputs.isLookupable("a".repeat(37), 36));
        assertFalse(RequestInputs.isLookupable("a\u0000b", 36));
        assertFalse(RequestInputs.isLookupable("a\nb", 36));
        assertNull(RequestInputs.filter("user", "", 10));
        assertEquals("ann", RequestInputs.filter("user", "ann", 10));
    }
}
