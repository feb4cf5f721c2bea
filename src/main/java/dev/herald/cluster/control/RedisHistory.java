package dev.herald.cluster.control;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import dev.herald.recovery.control.Relay;
import dev.herald.recovery.control.Replay;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.recovery.control.V1Protocol;
import dev.herald.stats.control.HeraldStats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code herald.v1} streams of a cluster, in Redis, so that a client reconnecting to any node
 * recovers. Per stream ({@link StreamKey#shortName()}: {@code u<userId>} or {@code b}): a Redis stream {@code <prefix>:h:<stream>}
 * whose entry ids are the sequence numbers ({@code <seq>-0}, fields {@code t} = Redis time in ms,
 * {@code d} = the JSON), trimmed with {@code MAXLEN ~ herald.history.size}, and a hash
 * {@code <prefix>:h:<stream>:m} with the epoch, the last seq and the generation; both expire
 * {@code herald.history.ttl-ms} after the stream's last message.
 *
 * <p>One Lua script per message creates the epoch if absent, increments the seq, adds the entry, sets
 * the expiry and publishes the envelope with epoch and seq: atomic, so publication order is seq order
 * on every node. One script per connecting session reads both streams' heads and what was recorded
 * after the client's positions (dropping entries older than the TTL or beyond the size).
 *
 * <p>Outages: when a message could not be sequenced (Redis unreachable), the node delivered it from
 * its in-memory history, which Redis does not know. When Redis is back, {@link #recovered()} bumps the
 * generation {@code <prefix>:h:gen}: every stream starts a new epoch at its next message or read, so a
 * client whose position predates the outage is told {@code recovered:false} instead of getting a
 * replay that silently lacks those messages. A Redis that lost its data starts new epochs by itself.
 */
final class RedisHistory implements Relay {

    private static final String PUBLISH = """
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
            redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], seq .. '-0', 't', string.format('%d', ms), 'd', ARGV[7])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            redis.call('PUBLISH', ARGV[4], ARGV[5] .. '\\n' .. ARGV[6] .. '\\n@' .. epoch .. ':' .. seq .. '\\n' .. ARGV[7])
            return seq
            """;

    /** Per stream (KEYS[i], KEYS[i+1] = stream, meta; ARGV: given epoch or '-' for none, given seq, new epoch). */
    private static final String READ = """
            local gen = redis.call('GET', KEYS[5]) or '0'
            local now = redis.call('TIME')
            local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[1])
            local size = tonumber(ARGV[2])
            local result = {}
            for s = 0, 1 do
              local stream, meta = KEYS[1 + 2 * s], KEYS[2 + 2 * s]
              local given, after, fresh = ARGV[3 + 3 * s], tonumber(ARGV[4 + 3 * s]), ARGV[5 + 3 * s]
              local epoch = redis.call('HGET', meta, 'e')
              if (not epoch) or redis.call('HGET', meta, 'g') ~= gen then
                epoch = fresh
                redis.call('DEL', stream)
                redis.call('HSET', meta, 'e', epoch, 's', 0, 'g', gen)
                redis.call('PEXPIRE', meta, ARGV[1])
              end
              local head = tonumber(redis.call('HGET', meta, 's'))
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
                for _, entry in ipairs(redis.call('XRANGE', stream, from .. '-0', '+')) do
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
              table.insert(result, epoch)
              table.insert(result, tostring(head))
              table.insert(result, entries)
            end
            return result
            """;

    private final RedisLink link;
    private final String prefix;
    private final String gen;
    private final String channel;
    private final String nodeId;
    private final int size;
    private final long ttlMs;
    private final HeraldStats stats;
    private final Replay.Bound bound;
    private final AtomicBoolean unsequenced = new AtomicBoolean();

    /**
     * @param link    the Redis client
     * @param prefix  {@code herald.redis.key-prefix}
     * @param channel the delivery channel
     * @param nodeId  this node's id, the envelope's origin
     * @param size    {@code herald.history.size}
     * @param ttlMs   {@code herald.history.ttl-ms}
     * @param stats   counters
     */
    RedisHistory(RedisLink link, String prefix, String channel, String nodeId, int size, long ttlMs, HeraldStats stats) {
        this(link, prefix, channel, nodeId, size, ttlMs, stats, Replay.Bound.NONE);
    }

    /**
     * @param link    the Redis client
     * @param prefix  {@code herald.redis.key-prefix}
     * @param channel the delivery channel
     * @param nodeId  this node's id, the envelope's origin
     * @param size    {@code herald.history.size}
     * @param ttlMs   {@code herald.history.ttl-ms}
     * @param stats   counters
     * @param bound   the most one replay sends ({@code herald.recovery.*})
     */
    RedisHistory(RedisLink link, String prefix, String channel, String nodeId, int size, long ttlMs, HeraldStats stats,
                 Replay.Bound bound) {
        this.bound = bound;
        this.link = link;
        this.prefix = prefix + ":h:";
        this.gen = prefix + ":h:gen";
        this.channel = channel;
        this.nodeId = nodeId;
        this.size = size;
        this.ttlMs = ttlMs;
        this.stats = stats;
    }

    private String stream(StreamKey streamKey) {
        return prefix + streamKey.shortName();
    }

    @Override
    public boolean publish(StreamKey streamKey, OutboundMessage message) {
        String stream = stream(streamKey);
        List<String> keys = List.of(stream, stream + ":m", gen);
        List<String> args = List.of(Integer.toString(size), Long.toString(ttlMs), V1Protocol.newEpoch(), channel, nodeId,
                Envelope.target(streamKey), message.json());
        boolean published = link.call(redis -> redis.eval(PUBLISH, keys, args)).isPresent();
        if (published) {
            stats.clusterPublished();
        } else {
            stats.clusterPublishFailed();
            unsequenced.set(true);
        }
        return published;
    }

    @Override
    public Optional<Replay> replay(long userId, StreamPosition user, StreamPosition broadcast) {
        StreamKey userKey = StreamKey.user(userId);
        String userStream = stream(userKey);
        String broadcastStream = stream(StreamKey.BROADCAST);
        List<String> keys = List.of(userStream, userStream + ":m", broadcastStream, broadcastStream + ":m", gen);
        List<String> args = new ArrayList<>(List.of(Long.toString(ttlMs), Integer.toString(size)));
        for (StreamPosition given : new StreamPosition[]{user, broadcast}) {
            args.add(given == null ? "-" : given.isMalformed() ? "" : given.epoch());
            args.add(given == null || given.isMalformed() ? "0" : Long.toString(given.seq()));
            args.add(V1Protocol.newEpoch());
        }
        Optional<Object> read = link.call(redis -> redis.eval(READ, keys, args));
        if (read.isEmpty()) {
            return Optional.empty();
        }
        List<?> streams = (List<?>) read.get();
        StreamPosition userHead = head(streams, 0);
        StreamPosition broadcastHead = head(streams, 3);
        return Optional.of(Replay.plan(user, userHead, held(userKey, userHead, streams.get(2)),
                broadcast, broadcastHead, held(StreamKey.BROADCAST, broadcastHead, streams.get(5)), bound));
    }

    private static StreamPosition head(List<?> streams, int at) {
        return new StreamPosition(text(streams.get(at)), Long.parseLong(text(streams.get(at + 1))));
    }

    private static List<Replay.Held> held(StreamKey streamKey, StreamPosition head, Object entries) {
        List<?> flat = (List<?>) entries;
        List<Replay.Held> held = new ArrayList<>(flat.size() / 3);
        for (int i = 0; i + 2 < flat.size(); i += 3) {
            long seq = Long.parseLong(text(flat.get(i)));
            held.add(new Replay.Held(seq, Long.parseLong(text(flat.get(i + 1))),
                    V1Protocol.message(streamKey, head.epoch(), seq, text(flat.get(i + 2)))));
        }
        return held;
    }

    private static String text(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    /**
     * Redis is reachable again: if this node delivered messages it could not record there, every
     * stream starts a new epoch (see the class comment).
     */
    void recovered() {
        if (unsequenced.compareAndSet(true, false) && link.probe(redis -> redis.incr(gen)).isEmpty()) {
            unsequenced.set(true); // try again at the next recovery
        }
    }
}
