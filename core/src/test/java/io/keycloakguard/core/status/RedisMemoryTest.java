package io.keycloakguard.core.status;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RedisMemoryTest {

    @Test
    void theAlarmGoesUpAtNinetyPercentOfMaxmemory() {
        Map<String, Object> ok = RedisMemory.describe("# Memory\r\nused_memory:1000\r\nmaxmemory:2000\r\nmaxmemory_policy:noeviction\r\n");
        assertEquals(1000L, ok.get("usedBytes"));
        assertEquals(2000L, ok.get("maxBytes"));
        assertEquals(50L, ok.get("usedPercent"));
        assertEquals("noeviction", ok.get("policy"));
        assertEquals(false, ok.get("alarm"));
        assertEquals(true, RedisMemory.describe("used_memory:1800\nmaxmemory:2000\n").get("alarm"));
    }

    @Test
    void withoutMaxmemoryThereIsNoPercentButANote() {
        Map<String, Object> unlimited = RedisMemory.describe("used_memory:1800\r\nmaxmemory:0\r\n");
        assertEquals(false, unlimited.get("alarm"));
        assertEquals(null, unlimited.get("usedPercent"));
        assertEquals(true, unlimited.containsKey("note"));
    }
}
