package dev.herald.cluster.control;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.Relay;
import dev.herald.recovery.control.Replay;
import dev.herald.recovery.control.Resume;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.recovery.control.V1Protocol;
import dev.herald.stats.control.HeraldStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code herald.v1} streams of a cluster, in Redis, so that a client reconnecting to any node
 * recovers. Per stream (keys named by {@link KeyLayout}, all in the stream's slot): a Redis stream
 * {@code …:h:<stream>} whose entry ids are the sequence numbers ({@code <seq>-0}, fields {@code t} =
 * Redis time in ms, {@code d} = the JSON), trimmed with {@code MAXLEN ~ herald.history.size}, and a
 * hash {@code …:h:<stream>:m} with the epoch, the last seq and the generation; both expire
 * {@code herald.history.ttl-ms} after the stream's last message.
 *
 * <p>One Lua script per message creates the epoch if absent, increments the seq, adds the entry, sets
 * the expiry and publishes the envelope with epoch and seq ({@code SPUBLISH}): atomic, so publication
 * order is seq order on every node. A user's message goes only to the channels of the nodes whose
 * presence hash of the user's shard holds the user (this node included when it does, for its v1
 * sessions); a new session's presence is written before its handshake completes and its replay is
 * read after, so each message is in its replay or published to its node. A group's or topic's message
 * goes to the channels (of the stream's shard) of the nodes in its node hash, which each node writes
 * for itself before a member's handshake completes or a subscriber's replay is read
 * ({@link InterestBook}); the broadcast to the broadcast channel, read by every node. The same script counts the user's sessions on the other
 * nodes ({@link #publishCounted}), so a notify costs one round trip. One script per stream reads,
 * for a connecting session, the head and what was recorded after the client's position (dropping
 * entries older than the TTL or beyond the size).
 *
 * <p>Outages: when a message could not be sequenced (Redis unreachable), the node delivered it from
 * its in-memory history, which Redis does not know. When Redis is back, {@link #recovered()} bumps the
 * generation of every slot: every stream starts a new epoch at its next message or read, so a client
 * whose position predates the outage is told {@code recovered:false} instead of getting a replay that
 * silently lacks those messages. A Redis that lost its data starts new epochs by itself.
 */
final class RedisHistory implements Relay {

    /** KEYS[1..3] = stream, meta, generation; ARGV[1..3] = size, ttl, new epoch. */
    private static final String RECORD = """
            local function record(data)
              local gen = redis.call('GET', KEYS[3]) or '0'
              local epoch = redis.call('HGET', KEYS[2], 'e')
              if (not epoch) or redis.call('HGET', KEYS[2], 'g') ~= gen then
                epoch = ARGV[3]
                redis.call('DEL', KEYS[1])
                redis.call('HSET', KEYS[2], 'e', epoch, 's', 0, 'g', gen)
              end
              local seq = redis.call('HINCRBY', KEYS[2], 's', 1)
              local now = redis.call('TIME')
              local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
              redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], seq .. '-0', 't', string.format('%d', ms), 'd', data)
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              redis.call('PEXPIRE', KEYS[2], ARGV[2])
              return epoch, seq
            end
            """;

    /** KEYS[4] = the broadcast channel; ARGV[4..6] = origin, target, json. */
    private static final LuaScript PUBLISH_ALL = LuaScript.of(RECORD + """
            local epoch, seq = record(ARGV[6])
            redis.call('SPUBLISH', KEYS[4], ARGV[4] .. '\\n' .. ARGV[5] .. '\\n@' .. epoch .. ':' .. seq .. '\\n' .. ARGV[6])
            return {seq, 0}
            """);

    /**
     * KEYS[4] = the shard's node set; ARGV[4..6] = origin, target, json; ARGV[7..10] = the shard's
     * presence prefix, its channel prefix, the user id, its liveness prefix (dead nodes are skipped).
     */
    private static final LuaScript PUBLISH_USER = LuaScript.of(RECORD + """
            local holders, elsewhere = {}, 0
            for _, node in ipairs(redis.call('SMEMBERS', KEYS[4])) do
              local n = tonumber(redis.call('HGET', ARGV[7] .. node, ARGV[9]) or '0')
              if n > 0 and redis.call('EXISTS', ARGV[10] .. node) == 1 then
                table.insert(holders, node)
                if node ~= ARGV[4] then elsewhere = elsewhere + n end
              end
            end
            local epoch, seq = record(ARGV[6])
            local wire = ARGV[4] .. '\\n' .. ARGV[5] .. '\\n@' .. epoch .. ':' .. seq .. '\\n' .. ARGV[6]
            for _, node in ipairs(holders) do redis.call('SPUBLISH', ARGV[8] .. node, wire) end
            return {seq, elsewhere}
            """);

    /**
     * KEYS[4] = the group's or topic's node hash; ARGV[4..6] = origin, target, json; ARGV[7..8] = its
     * shard's channel prefix and liveness prefix. Dead nodes leave the hash here (and their user sets go); the answer counts the
     * other live nodes' sessions of the stream, per their entries.
     */
    private static final LuaScript PUBLISH_NAMED = LuaScript.of(RECORD + """
            local epoch, seq = record(ARGV[6])
            local wire = ARGV[4] .. '\\n' .. ARGV[5] .. '\\n@' .. epoch .. ':' .. seq .. '\\n' .. ARGV[6]
            local entries, elsewhere = redis.call('HGETALL', KEYS[4]), 0
            for i = 1, #entries, 2 do
              local node = entries[i]
              if redis.call('EXISTS', ARGV[8] .. node) == 1 then
                redis.call('SPUBLISH', ARGV[7] .. node, wire)
                if node ~= ARGV[4] then elsewhere = elsewhere + tonumber(entries[i + 1]) end
              else redis.call('HDEL', KEYS[4], node); redis.call('DEL', KEYS[4] .. '#' .. node) end
            end
            return {seq, elsewhere}
            """);

    /** KEYS = stream, meta, generation; ARGV = ttl, size, given epoch or '-' for none, given seq, new epoch. */
    private static final LuaScript READ = LuaScript.of("""
            local gen = redis.call('GET', KEYS[3]) or '0'
            local now = redis.call('TIME')
            local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[1])
            local size = tonumber(ARGV[2])
            local given, after, fresh = ARGV[3], tonumber(ARGV[4]), ARGV[5]
            local epoch = redis.call('HGET', KEYS[2], 'e')
            if (not epoch) or redis.call('HGET', KEYS[2], 'g') ~= gen then
              epoch = fresh
              redis.call('DEL', KEYS[1])
              redis.call('HSET', KEYS[2], 'e', epoch, 's', 0, 'g', gen)
              redis.call('PEXPIRE', KEYS[2], ARGV[1])
            end
            local head = tonumber(redis.call('HGET', KEYS[2], 's'))
            local entries = {}
            local from = nil
            if given == '-' or (given == epoch and after > head) then
              from = nil
            elseif given == epoch then
              from = after + 1
            else
              from = 1
            end
            if from and from <= head then
              if from <= head - size then from = head - size + 1 end
              for _, entry in ipairs(redis.call('XRANGE', KEYS[1], from .. '-0', '+')) do
                local fields = entry[2]
                local t, d = nil, nil
                for i = 1, #fields, 2 do
                  if fields[i] == 't' then t = fields[i + 1] elseif fields[i] == 'd' then d = fields[i + 1] end
                end
                if tonumber(t) >= oldest then
                  table.insert(entries, string.match(entry[1], '^(%d+)'))
                  table.insert(entries, t)
                  table.insert(entries, d)
                end
              end
            end
            return {epoch, tostring(head), entries}
            """);

    private final RedisLink link;
    private final KeyLayout keys;
    private final String nodeId;
    private final int size;
    private final long ttlMs;
    private final HeraldStats stats;
    private final Replay.Bound bound;
    private final AtomicBoolean unsequenced = new AtomicBoolean();

    /**
     * @param link   the Redis client
     * @param keys   the key layout
     * @param nodeId this node's id, the envelope's origin
     * @param size   {@code herald.history.size}
     * @param ttlMs  {@code herald.history.ttl-ms}
     * @param stats  counters
     */
    RedisHistory(RedisLink link, KeyLayout keys, String nodeId, int size, long ttlMs, HeraldStats stats) {
        this(link, keys, nodeId, size, ttlMs, stats, Replay.Bound.NONE);
    }

    /**
     * @param link   the Redis client
     * @param keys   the key layout
     * @param nodeId this node's id, the envelope's origin
     * @param size   {@code herald.history.size}
     * @param ttlMs  {@code herald.history.ttl-ms}
     * @param stats  counters
     * @param bound  the most one replay sends ({@code herald.recovery.*})
     */
    RedisHistory(RedisLink link, KeyLayout keys, String nodeId, int size, long ttlMs, HeraldStats stats, Replay.Bound bound) {
        this.bound = bound;
        this.link = link;
        this.keys = keys;
        this.nodeId = nodeId;
        this.size = size;
        this.ttlMs = ttlMs;
        this.stats = stats;
    }

    @Override
    public boolean publish(StreamKey streamKey, OutboundMessage message) {
        return publishCounted(streamKey, message).isPresent();
    }

    @Override
    public OptionalInt publishCounted(StreamKey streamKey, OutboundMessage message) {
        String stream = keys.history(streamKey);
        List<String> args = new ArrayList<>(List.of(Integer.toString(size), Long.toString(ttlMs), V1Protocol.newEpoch(), nodeId,
                streamKey.shortName(), message.json()));
        List<String> scriptKeys;
        LuaScript script;
        if (streamKey instanceof StreamKey.User user) {
            int shard = keys.shard(user.id());
            scriptKeys = List.of(stream, keys.meta(streamKey), keys.generation(streamKey), keys.nodes(shard));
            args.addAll(List.of(keys.presencePrefix(shard), keys.channelPrefix(shard), Long.toString(user.id()), keys.alivePrefix(shard)));
            script = PUBLISH_USER;
        } else if (streamKey instanceof StreamKey.Named named) {
            int shard = keys.shard(named);
            scriptKeys = List.of(stream, keys.meta(streamKey), keys.generation(streamKey), keys.interest(named));
            args.addAll(List.of(keys.channelPrefix(shard), keys.alivePrefix(shard)));
            script = PUBLISH_NAMED;
        } else {
            scriptKeys = List.of(stream, keys.meta(streamKey), keys.generation(streamKey), keys.broadcastChannel());
            script = PUBLISH_ALL;
        }
        Optional<List<?>> reply = link.call(redis -> (List<?>) script.eval(redis, scriptKeys, args));
        if (reply.isEmpty()) {
            stats.clusterPublishFailed();
            unsequenced.set(true);
            return OptionalInt.empty();
        }
        stats.clusterPublished();
        return OptionalInt.of(((Long) reply.get().get(1)).intValue());
    }

    @Override
    public Optional<Replay> replay(long userId, StreamPosition user, StreamPosition broadcast) {
        return resume(userId, Resume.of(user, broadcast), List.of());
    }

    @Override
    public Optional<Replay> resume(long userId, Resume resume, List<StreamKey.Group> groups) {
        Optional<Replay.Part> userPart = read(StreamKey.user(userId), resume.user());
        Optional<Replay.Part> broadcastPart = userPart.isEmpty() ? Optional.empty() : read(StreamKey.BROADCAST, resume.broadcast());
        if (broadcastPart.isEmpty()) {
            return Optional.empty();
        }
        List<Replay.Part> groupParts = new ArrayList<>(groups.size());
        for (StreamKey.Group group : groups) { // each its own script: groups need not share a slot
            Optional<Replay.Part> part = read(group, resume.groups().get(group));
            if (part.isEmpty()) {
                return Optional.empty();
            }
            groupParts.add(part.get());
        }
        Replay.Part u = userPart.get();
        Replay.Part b = broadcastPart.get();
        return Optional.of(Replay.plan(u.given(), u.head(), u.held(), b.given(), b.head(), b.held(), groupParts, bound));
    }

    @Override
    public Optional<Replay.Part> read(StreamKey streamKey, StreamPosition given) {
        return readScript(streamKey, given).map(reply -> {
            StreamPosition head = head(reply);
            return new Replay.Part(streamKey, given, head, held(streamKey, head, reply.get(2)));
        });
    }

    /** One stream's head and what it holds after the position (the streams are in different slots: one script each). */
    private Optional<List<?>> readScript(StreamKey streamKey, StreamPosition given) {
        List<String> scriptKeys = List.of(keys.history(streamKey), keys.meta(streamKey), keys.generation(streamKey));
        List<String> args = List.of(Long.toString(ttlMs), Integer.toString(size),
                given == null ? "-" : given.isMalformed() ? "" : given.epoch(),
                given == null || given.isMalformed() ? "0" : Long.toString(given.seq()),
                V1Protocol.newEpoch());
        return link.call(redis -> (List<?>) READ.eval(redis, scriptKeys, args));
    }

    private static StreamPosition head(List<?> stream) {
        return new StreamPosition(LuaScript.text(stream.get(0)), Long.parseLong(LuaScript.text(stream.get(1))));
    }

    private static List<Replay.Held> held(StreamKey streamKey, StreamPosition head, Object entries) {
        List<?> flat = (List<?>) entries;
        List<Replay.Held> held = new ArrayList<>(flat.size() / 3);
        for (int i = 0; i + 2 < flat.size(); i += 3) {
            long seq = Long.parseLong(LuaScript.text(flat.get(i)));
            held.add(new Replay.Held(seq, Long.parseLong(LuaScript.text(flat.get(i + 1))),
                    V1Protocol.message(streamKey, head.epoch(), seq, LuaScript.text(flat.get(i + 2)))));
        }
        return held;
    }

    /**
     * Redis is reachable again: if this node delivered messages it could not record there, every
     * stream starts a new epoch (see the class comment).
     */
    void recovered() {
        if (unsequenced.compareAndSet(true, false)) {
            for (String gen : keys.generations()) {
                if (link.probe(redis -> redis.incr(gen)).isEmpty()) {
                    unsequenced.set(true); // try again at the next recovery (a bumped generation costs only new epochs)
                    return;
                }
            }
        }
    }
}
