package dev.herald.messages.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamKeyTest {

    @Test
    void aShortNameNamesItsStreamBack() {
        for (StreamKey stream : new StreamKey[]{StreamKey.BROADCAST, StreamKey.user(1), StreamKey.user(Long.MAX_VALUE)}) {
            assertEquals(Optional.of(stream), StreamKey.ofShortName(stream.shortName()), stream.shortName());
        }
    }

    @Test
    void textThatNamesNoStreamIsRefused() {
        for (String name : new String[]{"", "u", "u0", "u-1", "u01", "u+1", "u9223372036854775808", "B", "b1", "7", "g:x"}) {
            assertEquals(Optional.empty(), StreamKey.ofShortName(name), name);
        }
        assertEquals(Optional.empty(), StreamKey.ofShortName(null));
    }
}
