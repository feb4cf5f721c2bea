package dev.herald.messages.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.recovery.control.Resume;
import dev.herald.recovery.control.StreamPosition;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Group and topic names, short names both ways, and the gsince form. */
class StreamKeyTest {

    @Test
    void namesAreCheckedInTheRecord() {
        assertEquals("g:tenant-1/ops.eu_2:x", new StreamKey.Group("tenant-1/ops.eu_2:x").shortName());
        assertEquals("t:news", new StreamKey.Topic("news").shortName());
        for (String bad : new String[]{"", "a b", "ä", "a\"b", "a@b", "x".repeat(StreamKey.MAX_NAME_LENGTH + 1)}) {
            assertThrows(IllegalArgumentException.class, () -> new StreamKey.Group(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> new StreamKey.Topic(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new StreamKey.Group(null));
    }

    @Test
    void shortNamesParseBack() {
        for (StreamKey key : List.of(StreamKey.user(42), StreamKey.BROADCAST, new StreamKey.Group("a:b"), new StreamKey.Topic("t/1"))) {
            assertEquals(Optional.of(key), StreamKey.ofShortName(key.shortName()));
        }
        for (String bad : new String[]{null, "", "u0", "u01", "u-1", "g:", "t:a b", "x:y", "u99999999999999999999"}) {
            assertTrue(StreamKey.ofShortName(bad).isEmpty(), String.valueOf(bad));
        }
    }

    @Test
    void gsinceNamesAGroupThenAPositionAfterTheLastAt() {
        Resume resume = Resume.parse("E:1", null, List.of("a:b/c@Ep:7", "x@nonsense", "no position", "bad name@E:1"));
        assertEquals(new StreamPosition("Ep", 7), resume.groups().get(new StreamKey.Group("a:b/c")));
        assertTrue(resume.groups().get(new StreamKey.Group("x")).isMalformed());
        assertEquals(2, resume.malformed());
        assertEquals(new StreamPosition("E", 1), resume.user());
    }

    @Test
    void textThatNamesNoStreamIsRefused() {
        for (String name : new String[]{"", "u", "u0", "u-1", "u01", "u+1", "u9223372036854775808", "B", "b1", "7", "g:", "t:", "x:y", "g:a b"}) {
            assertEquals(Optional.empty(), StreamKey.ofShortName(name), name);
        }
        assertEquals(Optional.empty(), StreamKey.ofShortName(null));
    }
}
