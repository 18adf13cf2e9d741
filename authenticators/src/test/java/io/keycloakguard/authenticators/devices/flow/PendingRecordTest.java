package io.keycloakguard.authenticators.devices.flow;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PendingRecordTest {

    @Test
    void aNoteReadsBackAsItWasWritten() {
        PendingRecord record = new PendingRecord("user-1", 20, true, false);
        assertEquals(Optional.of(record), PendingRecord.fromNote(record.toNote()));
    }

    @Test
    void anythingElseIsNoRecord() {
        for (String note : new String[]{null, "", "v1", "v2;u;20;true;true", "v1;;20;true;true", "v1;u;x;true;true",
                "v1;u;0;true;true", "v1;u;1001;true;true", "v1;u;20;true"}) {
            assertEquals(Optional.empty(), PendingRecord.fromNote(note), String.valueOf(note));
        }
    }
}
