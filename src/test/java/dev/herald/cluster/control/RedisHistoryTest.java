package dev.herald.cluster.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.Replay;
import dev.herald.recovery.control.Resume;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.recovery.control.V1Protocol;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The herald.v1 streams in a real redis-server of the test's own. */
class RedisHistoryTest extends RedisFixture {

    private RedisHistory history(int size, long ttlMs) {
        return new RedisHistory(link, keys, "node-a", size, ttlMs, stats);
    }

    private static List<String> data(Replay replay) {
        return replay.frames().subList(0, replay.replayed()).stream().map(OutboundMessage::json).toList();
    }

    @Test
    void aFirstReadCreatesTheEpochsAndReplaysNothing() {
        RedisHistory history = history(100, 60_000);
        Replay first = history.replay(1, null, null).orElseThrow();
        assertFalse(first.requested());
        assertEquals(0, first.replayed());
        assertEquals(0, first.userHead().seq());
        assertTrue(first.userHead().epoch().matches("[A-Za-z0-9]+"));
        Replay second = history.replay(1, null, null).orElseThrow();
        assertEquals(first.userHead(), second.userHead(), "the epoch is kept");
        assertEquals(first.broadcastHead(), second.broadcastHead());
        assertNotEquals(first.userHead().epoch(), first.broadcastHead().epoch());
    }

    @Test
    void whatWasRecordedAfterThePositionsIsReplayedInSeqOrder() {
        RedisHistory history = history(100, 60_000);
        Replay before = history.replay(1, null, null).orElseThrow();
        for (String name : new String[]{"t1", "t2", "b1", "t3", "t4", "b2", "t5"}) {
            assertTrue(history.publish(name.startsWith("b") ? StreamKey.BROADCAST : StreamKey.user(1), OutboundMessage.of("\"" + name + "\"")));
        }
        history.publish(StreamKey.user(2), OutboundMessage.of("\"not alice's\""));
        Replay replay = history.replay(1, before.userHead(), before.broadcastHead()).orElseThrow();
        assertTrue(replay.recovered());
        assertEquals(7, replay.replayed());
        String epoch = before.userHead().epoch();
        List<String> user = data(replay).stream().filter(f -> f.contains("\"user\"")).toList();
        assertEquals(List.of(1, 2, 3, 4, 5).stream().map(n -> V1Protocol.message(StreamKey.user(1), epoch, n, "\"t" + n + "\"").json()).toList(), user);
        List<String> broadcast = data(replay).stream().filter(f -> f.contains("\"broadcast\"")).toList();
        assertEquals(List.of(V1Protocol.message(StreamKey.BROADCAST, before.broadcastHead().epoch(), 1, "\"b1\"").json(),
                V1Protocol.message(StreamKey.BROADCAST, before.broadcastHead().epoch(), 2, "\"b2\"").json()), broadcast);
        assertEquals(new StreamPosition(epoch, 5), replay.userHead());
        Replay upToDate = history.replay(1, replay.userHead(), replay.broadcastHead()).orElseThrow();
        assertTrue(upToDate.recovered());
        assertEquals(0, upToDate.replayed());
        Replay fromThree = history.replay(1, new StreamPosition(epoch, 3), null).orElseThrow();
        assertEquals(2, fromThree.replayed());
        assertTrue(fromThree.recovered());
        assertEquals(8, stats.snapshot(0).getInt("clusterPublished"));
    }

    @Test
    void aGapBeyondTheSizeAnotherEpochOrAPositionAheadIsNotRecovered() {
        RedisHistory history = history(10, 60_000);
        Replay before = history.replay(1, null, null).orElseThrow();
        for (int n = 1; n <= 250; n++) {
            history.publish(StreamKey.user(1), OutboundMessage.of("{\"n\":" + n + "}"));
        }
        assertTrue(redis.xlen(keys.history(StreamKey.user(1))) < 250, "trimmed in Redis");
        Replay gap = history.replay(1, before.userHead(), null).orElseThrow();
        assertFalse(gap.recovered());
        assertEquals(10, gap.replayed(), "the last 10 are held");
        assertTrue(gap.frames().get(0).json().contains("\"seq\":241,"));
        Replay otherEpoch = history.replay(1, new StreamPosition("Other", 249), null).orElseThrow();
        assertFalse(otherEpoch.recovered());
        assertEquals(10, otherEpoch.replayed());
        Replay malformed = history.replay(1, StreamPosition.parse("x"), null).orElseThrow();
        assertFalse(malformed.recovered());
        assertEquals(10, malformed.replayed());
        Replay ahead = history.replay(1, new StreamPosition(before.userHead().epoch(), 300), null).orElseThrow();
        assertFalse(ahead.recovered());
        assertEquals(0, ahead.replayed());
    }

    @Test
    void aStreamIdlePastTheTtlStartsANewEpoch() throws Exception {
        RedisHistory history = history(100, 300);
        history.publish(StreamKey.user(1), OutboundMessage.of("1"));
        Replay before = history.replay(1, null, null).orElseThrow();
        assertTrue(redis.pttl(keys.history(StreamKey.user(1))) > 0, "every key expires");
        assertTrue(redis.pttl(keys.meta(StreamKey.user(1))) > 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> !redis.exists(keys.history(StreamKey.user(1))) && !redis.exists(keys.meta(StreamKey.user(1))));
        history.publish(StreamKey.user(1), OutboundMessage.of("2"));
        Replay after = history.replay(1, before.userHead(), null).orElseThrow();
        assertNotEquals(before.userHead().epoch(), after.userHead().epoch());
        assertFalse(after.recovered());
        assertEquals(1, after.replayed(), "what the new epoch holds");
    }

    @Test
    void aMessageRedisCouldNotRecordStartsNewEpochsOnceRedisIsBack() {
        RedisHistory history = history(100, 60_000);
        assertTrue(history.publish(StreamKey.user(1), OutboundMessage.of("1")));
        Replay before = history.replay(1, null, null).orElseThrow();
        redis.set(keys.meta(StreamKey.user(2)), "not a hash"); // the script fails for user 2, as it would with Redis unreachable
        assertFalse(history.publish(StreamKey.user(2), OutboundMessage.of("lost to Redis")), "the caller delivers it from memory");
        assertEquals(1, stats.snapshot(0).getInt("clusterPublishFailures"));
        history.recovered();
        for (String gen : keys.generations()) {
            assertEquals("1", redis.get(gen), "every shard and the broadcast: " + gen);
        }
        history.recovered();
        assertEquals("1", redis.get(keys.generation(StreamKey.user(1))), "once per outage that lost something");
        assertTrue(history.publish(StreamKey.user(1), OutboundMessage.of("2")));
        Replay after = history.replay(1, before.userHead(), before.broadcastHead()).orElseThrow();
        assertNotEquals(before.userHead().epoch(), after.userHead().epoch(), "user 1 could have missed a message: new epoch");
        assertNotEquals(before.broadcastHead().epoch(), after.broadcastHead().epoch());
        assertEquals(1, after.userHead().seq(), "the new epoch counts from 1");
        assertFalse(after.recovered());
    }

    @Test
    void groupStreamsAreReplayedFromTheirGsinceAndTopicsRead() {
        RedisHistory history = history(100, 60_000);
        StreamKey.Group team = new StreamKey.Group("team:a");
        Replay first = history.resume(1, Resume.NONE, List.of(team)).orElseThrow();
        StreamPosition head = first.groupHeads().get(team);
        assertEquals(0, head.seq(), "the group's head is Redis's: " + first);
        assertTrue(history.publish(team, OutboundMessage.of("\"g1\"")));
        assertTrue(history.publish(StreamKey.user(1), OutboundMessage.of("\"u1\"")));
        assertTrue(history.publish(team, OutboundMessage.of("\"g2\"")));
        Resume resume = new Resume(first.userHead(), first.broadcastHead(), java.util.Map.of(team, head), 0);
        Replay replay = history.resume(1, resume, List.of(team)).orElseThrow();
        assertTrue(replay.recovered());
        assertEquals(3, replay.replayed());
        assertEquals(List.of(V1Protocol.message(team, head.epoch(), 1, "\"g1\"").json(), V1Protocol.message(team, head.epoch(), 2, "\"g2\"").json()),
                data(replay).stream().filter(f -> f.contains("\"group\"")).toList());
        assertEquals(new StreamPosition(head.epoch(), 2), replay.groupHeads().get(team));
        Replay other = history.resume(1, new Resume(null, null, java.util.Map.of(team, new StreamPosition("gone", 1)), 0), List.of(team)).orElseThrow();
        assertFalse(other.recovered(), "another epoch");
        assertEquals(2, other.replayed());

        StreamKey.Topic news = new StreamKey.Topic("news");
        assertTrue(history.publish(news, OutboundMessage.of("\"n1\"")));
        Replay.Part topic = history.read(news, null).orElseThrow();
        assertEquals(1, topic.head().seq());
        assertEquals(List.of(), topic.held(), "no position: nothing replayed");
        assertEquals(1, history.read(news, new StreamPosition(topic.head().epoch(), 0)).orElseThrow().held().size());
    }
}
