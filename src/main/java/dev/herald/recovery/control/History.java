package dev.herald.recovery.control;

import dev.herald.messages.entity.OutboundMessage;
import dev.herald.messages.entity.StreamKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The in-memory history of the {@code herald.v1} streams on one node: per user stream and for the one
 * broadcast stream, an epoch, the last sequence number and the last messages' frames.
 *
 * <p>Bounds: per stream the last {@code size} messages, none older than {@code ttl}; a stream that
 * holds nothing and had no message for {@code ttl} is forgotten (its next message starts a new
 * epoch). Globally at most {@code maxBytes}, counted as {@link #ENTRY_OVERHEAD} plus the frame's
 * characters per message and {@link #STREAM_OVERHEAD} per stream: beyond it the oldest messages of
 * all streams go first (one global queue in append order), and a stream whose last message goes is
 * forgotten. A gap that lost messages to a bound is reported ({@code recovered:false}), never hidden.
 *
 * <p>Thread safety: each {@link Stream} is its own lock, and only this class takes it: a stream is
 * used inside {@link #inStream} (one stream) or {@link #inStreams} (a user stream, then the
 * broadcast stream, then group streams by name: the one lock order of {@code herald.v1}, so a send,
 * or a subscribe, which take one stream's lock, never deadlocks with a connecting session). Both retry
 * with a fresh stream when the one they locked {@linkplain Stream#isForgotten() was forgotten}, and
 * enforce the global bound once the locks are released ({@link #enforceBound()} takes one stream lock
 * at a time), so it may be exceeded by at most one message per concurrently appending thread.
 */
public final class History {

    /** Bytes charged per held message besides its frame's characters (entry, queue node, record, string headers). */
    public static final int ENTRY_OVERHEAD = 136;
    /** Bytes charged per stream (the stream, its deque, epoch, map entry and key). */
    public static final int STREAM_OVERHEAD = 320;
    /** Bytes of a removed message's node until it leaves the global queue (part of {@link #ENTRY_OVERHEAD}). */
    static final int TOMBSTONE = 48;

    private final int size;
    private final long ttlNanos;
    private final long maxBytes;
    private final LongSupplier clock;
    private final ConcurrentHashMap<StreamKey, Stream> streams = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Entry> order = new ConcurrentLinkedQueue<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    /**
     * @param size     messages held per stream (0: none, only the epoch and head are kept)
     * @param ttlMs    how long a message is held
     * @param maxBytes the bound on the whole history
     * @param clock    {@link System#nanoTime()} or a test clock
     */
    public History(int size, long ttlMs, long maxBytes, LongSupplier clock) {
        this.size = Math.max(0, size);
        this.ttlNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, ttlMs));
        this.maxBytes = Math.max(0, maxBytes);
        this.clock = clock;
    }

    /**
     * Runs an action holding one stream's lock (a message's sequence number, record and offer to
     * the sessions happen together), then enforces the global bound.
     *
     * @param key    the stream
     * @param action what to do with the stream; it must not take another stream's lock
     * @param <T>    the action's result
     * @return the action's result
     */
    public <T> T inStream(StreamKey key, Function<Stream, T> action) {
        try {
            return locked(key, action);
        } finally {
            enforceBound();
        }
    }

    /**
     * Runs an action holding several streams' locks, in the order given (see {@link History}), then
     * enforces the global bound: what a connecting session reads and queues under them is neither
     * missed nor sent twice.
     *
     * @param keys   the streams, in lock order, each once
     * @param action what to do with the streams, in the same order
     * @param <T>    the result
     * @return the action's result
     */
    public <T> T inStreams(List<? extends StreamKey> keys, Function<List<Stream>, T> action) {
        try {
            return lockAll(keys, new ArrayList<>(keys.size()), action);
        } finally {
            enforceBound();
        }
    }

    private <T> T lockAll(List<? extends StreamKey> keys, List<Stream> held, Function<List<Stream>, T> action) {
        if (held.size() == keys.size()) {
            return action.apply(List.copyOf(held));
        }
        return locked(keys.get(held.size()), stream -> {
            held.add(stream);
            try {
                return lockAll(keys, held, action);
            } finally {
                held.remove(held.size() - 1);
            }
        });
    }

    private <T> T locked(StreamKey key, Function<Stream, T> action) {
        while (true) {
            Stream stream = stream(key);
            synchronized (stream) {
                if (!stream.forgotten) {
                    return action.apply(stream);
                }
            }
        }
    }

    /** @return the stream, created with a new epoch if absent; lock it before use (tests) */
    Stream stream(StreamKey key) {
        Stream stream = streams.get(key);
        return stream != null ? stream : streams.computeIfAbsent(key, k -> {
            bytes.addAndGet(STREAM_OVERHEAD);
            return new Stream(k);
        });
    }

    /**
     * Evicts the oldest messages of all streams, and the streams they leave empty, until the history
     * is within {@code maxBytes}. Call it with no stream lock held.
     */
    void enforceBound() {
        while (bytes.get() > maxBytes) {
            Entry oldest = order.poll();
            if (oldest == null) {
                return;
            }
            bytes.addAndGet(-TOMBSTONE);
            if (!oldest.removed) {
                Stream stream = oldest.stream;
                synchronized (stream) {
                    if (!stream.forgotten) {
                        stream.evictThrough(oldest.seq);
                    }
                }
            }
        }
    }

    /**
     * The coarse expiry: drops messages older than the TTL, forgets streams idle past it, and releases
     * the global queue's removed head. Runs on the manager's sweep.
     */
    public void expire() {
        long now = clock.getAsLong();
        for (Stream stream : streams.values()) {
            synchronized (stream) {
                if (!stream.forgotten) {
                    stream.trim(now);
                    if (stream.entries.isEmpty() && now - stream.lastAppendNanos > ttlNanos) {
                        stream.forget();
                    }
                }
            }
        }
        Entry head;
        while ((head = order.peek()) != null && head.removed) {
            if (order.remove(head)) {
                bytes.addAndGet(-TOMBSTONE);
            }
        }
    }

    /** @return bytes the history is charged now */
    public long bytes() {
        return bytes.get();
    }

    /** @return messages held now */
    public long entries() {
        return entries.get();
    }

    /** @return streams known now */
    public int streams() {
        return streams.size();
    }

    /** @return messages dropped by the global byte bound since start */
    public long evictions() {
        return evictions.get();
    }

    /** One stream: its epoch, head and held messages; handed out only under its lock (see {@link History}). */
    public final class Stream {
        private final StreamKey key;
        private final String epoch = V1Protocol.newEpoch();
        private final ArrayDeque<Entry> entries = new ArrayDeque<>();
        private long head;
        private long lastAppendNanos = clock.getAsLong();
        private boolean forgotten;
        private Entry marker;

        private Stream(StreamKey key) {
            this.key = key;
            this.marker = new Entry(this, 0, lastAppendNanos, null);
            order.add(marker); // so the byte bound also reaches streams that never got a message
            bytes.addAndGet(TOMBSTONE);
        }

        /** @return true once forgotten (expired or evicted): take a fresh one from {@link History#stream(long)} */
        public boolean isForgotten() {
            return forgotten;
        }

        /** @return the epoch and the last sequence number */
        public StreamPosition head() {
            return new StreamPosition(epoch, head);
        }

        /**
         * Assigns the next sequence number and records the message.
         *
         * @param data the bare JSON
         * @return the recorded message, with its frame
         */
        public Replay.Held append(String data) {
            long now = clock.getAsLong();
            OutboundMessage frame = V1Protocol.message(key, epoch, ++head, data);
            Entry entry = new Entry(this, head, now, frame);
            if (marker != null) {
                marker.removed = true;
                marker = null;
            }
            entries.addLast(entry);
            order.add(entry);
            lastAppendNanos = now;
            History.this.entries.incrementAndGet();
            bytes.addAndGet(entry.cost);
            trim(now);
            return new Replay.Held(head, now, frame);
        }

        /**
         * @param seq a sequence number of this epoch, 0 for all
         * @return the held messages after it, oldest first (expired ones are dropped first)
         */
        public List<Replay.Held> after(long seq) {
            trim(clock.getAsLong());
            List<Replay.Held> held = new ArrayList<>();
            if (seq >= head) {
                return held;
            }
            for (Entry entry : entries) {
                if (entry.seq > seq) {
                    held.add(new Replay.Held(entry.seq, entry.nanos, entry.frame));
                }
            }
            return held;
        }

        private void trim(long now) {
            Entry first;
            while ((first = entries.peekFirst()) != null && (entries.size() > size || now - first.nanos > ttlNanos)) {
                removeFirst();
            }
        }

        private void evictThrough(long seq) {
            Entry first;
            while ((first = entries.peekFirst()) != null && first.seq <= seq) {
                removeFirst();
                evictions.incrementAndGet();
            }
            if (entries.isEmpty()) {
                forget();
            }
        }

        private void removeFirst() {
            Entry first = entries.pollFirst();
            first.removed = true;
            first.frame = null;
            History.this.entries.decrementAndGet();
            bytes.addAndGet(TOMBSTONE - first.cost);
        }

        private void forget() {
            while (!entries.isEmpty()) {
                removeFirst();
            }
            if (marker != null) {
                marker.removed = true;
                marker = null;
            }
            forgotten = true;
            if (streams.remove(key, this)) {
                bytes.addAndGet(-STREAM_OVERHEAD);
            }
        }
    }

    /** A held message (or, with seq 0, a new stream's marker) in its stream and in the global order. */
    private static final class Entry {
        final Stream stream;
        final long seq;
        final long nanos;
        final int cost;
        volatile OutboundMessage frame;
        volatile boolean removed;

        Entry(Stream stream, long seq, long nanos, OutboundMessage frame) {
            this.stream = stream;
            this.seq = seq;
            this.nanos = nanos;
            this.frame = frame;
            this.cost = frame == null ? TOMBSTONE
                    : ENTRY_OVERHEAD + (frame.bytes() == frame.json().length() ? frame.bytes() : 2 * frame.json().length());
        }
    }
}
