package dev.herald.tickets.control;

import java.util.ArrayDeque;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The per-user limits on ticket issuance in this node's memory: at most {@code herald.ticket.max-outstanding}
 * tickets issued and neither used nor expired, and at most {@code herald.ticket.rate} issued per minute
 * (a fixed window that starts with the user's first ticket). Each user's state is updated under that
 * user's map entry only ({@link ConcurrentHashMap#compute}), so users never wait for one another.
 * In cluster mode Redis keeps the same limits for all nodes ({@code RedisTickets}).
 */
final class TicketQuota {

    static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int maxOutstanding;
    private final int perMinute;
    private final ConcurrentHashMap<Long, User> users = new ConcurrentHashMap<>();

    /**
     * @param maxOutstanding unused, unexpired tickets per user; 0: no cap
     * @param perMinute      tickets per user per minute; 0: no limit
     */
    TicketQuota(int maxOutstanding, int perMinute) {
        this.maxOutstanding = Math.max(0, maxOutstanding);
        this.perMinute = Math.max(0, perMinute);
    }

    /**
     * Counts a ticket about to be issued, or refuses it.
     *
     * @param userId    the user
     * @param expiresAt when the ticket would expire ({@link System#nanoTime()} scale)
     * @param now       the current time
     * @return empty when the ticket may be issued (it is counted); else the seconds until one may
     */
    OptionalLong take(long userId, long expiresAt, long now) {
        long[] wait = {-1}; // stays -1 when the ticket is allowed
        users.compute(userId, (id, user) -> {
            User state = user == null ? new User(now) : user;
            state.expire(now);
            if (now - state.windowStart >= WINDOW_NANOS) {
                state.windowStart = now;
                state.issued = 0;
            }
            if (maxOutstanding > 0 && state.expiries.size() >= maxOutstanding) {
                wait[0] = Math.max(0, state.expiries.peekFirst() - now);
            } else if (perMinute > 0 && state.issued >= perMinute) {
                wait[0] = Math.max(0, state.windowStart + WINDOW_NANOS - now);
            } else {
                state.issued++;
                state.expiries.addLast(expiresAt);
            }
            return state;
        });
        if (wait[0] < 0) {
            return OptionalLong.empty();
        }
        long seconds = (wait[0] + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
        return OptionalLong.of(Math.max(1, seconds));
    }

    /**
     * A ticket was used: it is no longer outstanding.
     *
     * @param userId    its user
     * @param expiresAt its expiry, as given to {@link #take}
     */
    void release(long userId, long expiresAt) {
        users.computeIfPresent(userId, (id, user) -> {
            user.expiries.removeFirstOccurrence(expiresAt);
            return user;
        });
    }

    /**
     * Forgets users with nothing outstanding whose window has ended.
     *
     * @param now the current time
     */
    void purge(long now) {
        for (Long userId : users.keySet()) {
            users.computeIfPresent(userId, (id, user) -> {
                user.expire(now);
                return user.expiries.isEmpty() && now - user.windowStart >= WINDOW_NANOS ? null : user;
            });
        }
    }

    /** @return users with state held now */
    int users() {
        return users.size();
    }

    /** One user's outstanding tickets (expiry times, oldest first) and issuance window. */
    private static final class User {
        final ArrayDeque<Long> expiries = new ArrayDeque<>();
        long windowStart;
        int issued;

        User(long now) {
            windowStart = now;
        }

        void expire(long now) {
            while (!expiries.isEmpty() && now - expiries.peekFirst() >= 0) {
                expiries.pollFirst();
            }
        }
    }
}
