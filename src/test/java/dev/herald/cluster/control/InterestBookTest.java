package dev.herald.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.messages.entity.StreamKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class InterestBookTest {

    /** This node's sessions per group or topic. */
    private final Map<StreamKey.Named, Integer> local = new ConcurrentHashMap<>();
    /** This node's users per group or topic (default: user 1). */
    private final Map<StreamKey.Named, Set<Long>> users = new ConcurrentHashMap<>();
    private final List<String> writes = new ArrayList<>();
    private final List<Collection<Long>> userWrites = new ArrayList<>();
    private boolean fails;
    private final InterestBook book = new InterestBook(stream -> local.getOrDefault(stream, 0), stream -> users.getOrDefault(stream, Set.of(1L)),
            () -> List.copyOf(local.keySet()), this::write);

    private boolean write(StreamKey.Named stream, int sessions, Collection<Long> who) {
        if (fails) {
            return false;
        }
        writes.add(stream.shortName() + "=" + sessions);
        userWrites.add(who);
        return true;
    }

    @Test
    void theFirstFlushWritesEverythingThenOnlyWhatChangedWithItsStateAtTheFlush() {
        StreamKey.Group team = new StreamKey.Group("team");
        StreamKey.Topic news = new StreamKey.Topic("news");
        local.put(team, 1);
        assertTrue(book.flush());
        assertEquals(List.of("g:team=1"), writes, "the start: what this node has");
        writes.clear();
        assertTrue(book.flush());
        assertEquals(List.of(), writes, "nothing changed");

        local.put(news, 1);
        book.changed(news);
        local.remove(team);
        book.changed(team);
        book.changed(news);
        local.put(news, 2); // a second subscriber before the flush: the flush writes the count it reads
        assertTrue(book.flush());
        assertEquals(Set.of("t:news=2", "g:team=0"), Set.copyOf(writes));
        assertEquals(2, writes.size(), "each once");
    }

    @Test
    void theHeartbeatWritesTheCountsThatChangedWithoutAFirstOrLastSession() {
        StreamKey.Group team = new StreamKey.Group("team");
        local.put(team, 1);
        book.flush();
        writes.clear();
        local.put(team, 3);
        assertTrue(book.refresh());
        assertEquals(List.of("g:team=3"), writes);
        writes.clear();
        assertTrue(book.refresh());
        assertEquals(List.of(), writes, "unchanged: nothing written");
    }

    @Test
    void aFailedWriteMakesTheNextFlushWriteEverythingIncludingWhatWasWrittenBefore() {
        StreamKey.Group team = new StreamKey.Group("team");
        StreamKey.Group gone = new StreamKey.Group("gone");
        local.put(team, 1);
        local.put(gone, 1);
        book.flush();
        writes.clear();
        fails = true;
        local.remove(gone);
        book.changed(gone);
        assertFalse(book.flush());
        fails = false;
        assertTrue(book.flush());
        assertEquals(Set.of("g:team=1", "g:gone=0"), Set.copyOf(writes), "the resync also clears what this node no longer has");
        writes.clear();
        book.resync();
        book.flush();
        assertEquals(List.of("g:team=1"), writes, "once cleared, forgotten");
    }

    @Test
    void theHeartbeatWritesTheUsersWhenTheyChangeAtTheSameCount() {
        StreamKey.Group team = new StreamKey.Group("team");
        local.put(team, 2);
        users.put(team, Set.of(1L, 4L));
        book.flush();
        assertEquals(List.of(Set.of(1L, 4L)), userWrites);
        writes.clear();
        userWrites.clear();
        users.put(team, Set.of(2L, 3L)); // the same count and the same sum of ids: still a change
        assertTrue(book.refresh());
        assertEquals(List.of("g:team=2"), writes);
        assertEquals(List.of(Set.of(2L, 3L)), userWrites);
        writes.clear();
        local.remove(team);
        book.changed(team);
        book.flush();
        assertEquals(List.of("g:team=0"), writes);
        assertEquals(List.of(List.of()), userWrites.subList(1, 2), "no users with the entry's removal");
    }
}
