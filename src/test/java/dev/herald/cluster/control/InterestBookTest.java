package dev.herald.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.messages.entity.StreamKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class InterestBookTest {

    private final Set<StreamKey.Named> local = ConcurrentHashMap.newKeySet();
    private final List<String> writes = new ArrayList<>();
    private boolean fails;
    private final InterestBook book = new InterestBook(local::contains, () -> List.copyOf(local), this::write);

    private boolean write(StreamKey.Named stream, boolean interested) {
        if (fails) {
            return false;
        }
        writes.add((interested ? "+" : "-") + stream.shortName());
        return true;
    }

    @Test
    void theFirstFlushWritesEverythingThenOnlyWhatChangedWithItsStateAtTheFlush() {
        StreamKey.Group team = new StreamKey.Group("team");
        StreamKey.Topic news = new StreamKey.Topic("news");
        local.add(team);
        assertTrue(book.flush());
        assertEquals(List.of("+g:team"), writes, "the start: what this node has");
        writes.clear();
        assertTrue(book.flush());
        assertEquals(List.of(), writes, "nothing changed");

        local.add(news);
        book.changed(news);
        local.remove(team);
        book.changed(team);
        book.changed(news);
        assertTrue(book.flush());
        assertEquals(Set.of("+t:news", "-g:team"), Set.copyOf(writes));
        assertEquals(2, writes.size(), "each once");
    }

    @Test
    void aFailedWriteMakesTheNextFlushWriteEverythingIncludingWhatWasWrittenBefore() {
        StreamKey.Group team = new StreamKey.Group("team");
        StreamKey.Group gone = new StreamKey.Group("gone");
        local.add(team);
        local.add(gone);
        book.flush();
        writes.clear();
        fails = true;
        local.remove(gone);
        book.changed(gone);
        assertFalse(book.flush());
        fails = false;
        assertTrue(book.flush());
        assertEquals(Set.of("+g:team", "-g:gone"), Set.copyOf(writes), "the resync also clears what this node no longer has");
        writes.clear();
        book.resync();
        book.flush();
        assertEquals(List.of("+g:team"), writes, "once cleared, forgotten");
    }
}
