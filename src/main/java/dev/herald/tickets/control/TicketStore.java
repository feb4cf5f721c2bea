package dev.herald.tickets.control;

import dev.herald.platform.RefusalLog;
import dev.herald.stats.control.HeraldStats;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;

/**
 * Single-use connect tickets, in memory: a browser that authenticates with a bearer token (and so
 * cannot set headers on a WebSocket) trades its token for a ticket at {@code POST /api/ws/ticket} and
 * opens {@code /ws?ticket=…}.
 *
 * <p>A ticket is 256 bits from {@link SecureRandom}, URL-safe Base64 (43 characters), bound to one
 * user id and valid for {@code herald.ticket.ttl} seconds. {@link #consume(String)} removes it
 * atomically, so of two handshakes racing with one ticket exactly one gets the user id. Expired
 * tickets are purged at most once per time-to-live, on issue. Ticket values are never logged.
 *
 * <p>Issuance is limited per user ({@link TicketQuota}): at most {@code herald.ticket.max-outstanding}
 * unused, unexpired tickets and {@code herald.ticket.rate} per minute; beyond, {@link #issue} throws
 * {@link TicketLimitException} (HTTP 429 with {@code Retry-After}), counted and logged through
 * {@link RefusalLog}. In cluster mode Redis applies the same limits to all nodes together.
 *
 * <p>In cluster mode tickets live in Redis ({@link SharedTickets}), so a ticket issued by one node
 * opens a session once on any node. While Redis is unreachable new tickets stay in this node's memory
 * and work on this node only; a ticket held in Redis cannot be used until Redis is back.
 */
@ApplicationScoped
public class TicketStore {

    private static final int TICKET_BYTES = 32;
    private static final int TICKET_CHARS = 43;

    private final SecureRandom random = new SecureRandom();
    private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    private final ConcurrentHashMap<String, Entry> tickets = new ConcurrentHashMap<>();
    private final AtomicLong lastPurgeNanos = new AtomicLong();

    @Inject
    TicketConfig config;
    @Inject
    SharedTickets shared;
    @Inject
    HeraldStats stats;
    @Inject
    RefusalLog refusals;

    private LongSupplier clock = System::nanoTime;
    private long ttlNanos;
    private int maxOutstanding;
    private int perMinute;
    private TicketQuota quota;

    /** Creates the bean; the time-to-live is read from {@link TicketConfig}. */
    public TicketStore() {
    }

    /**
     * A store outside a container (unit tests).
     *
     * @param ttlSeconds how long a ticket stays valid
     * @param clock      the current time in nanoseconds, like {@link System#nanoTime()}
     */
    public TicketStore(int ttlSeconds, LongSupplier clock) {
        this(ttlSeconds, 0, 0, clock);
    }

    /**
     * A store with issuance limits outside a container (unit tests).
     *
     * @param ttlSeconds     how long a ticket stays valid
     * @param maxOutstanding unused, unexpired tickets per user (0: no cap)
     * @param perMinute      tickets per user per minute (0: no limit)
     * @param clock          the current time in nanoseconds, like {@link System#nanoTime()}
     */
    public TicketStore(int ttlSeconds, int maxOutstanding, int perMinute, LongSupplier clock) {
        this.clock = clock;
        this.ttlNanos = TimeUnit.SECONDS.toNanos(ttlSeconds);
        this.lastPurgeNanos.set(clock.getAsLong());
        this.maxOutstanding = maxOutstanding;
        this.perMinute = perMinute;
        this.quota = new TicketQuota(maxOutstanding, perMinute);
        this.stats = new HeraldStats();
        this.refusals = new RefusalLog();
    }

    @PostConstruct
    void init() {
        ttlNanos = TimeUnit.SECONDS.toNanos(config.ttlSeconds());
        lastPurgeNanos.set(clock.getAsLong());
        maxOutstanding = config.maxOutstanding();
        perMinute = config.rate();
        quota = new TicketQuota(maxOutstanding, perMinute);
    }

    /** @return seconds a ticket stays valid, as told to the client */
    public long ttlSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(ttlNanos);
    }

    /**
     * @param userId the user the ticket will authenticate as
     * @return a new ticket
     * @throws TicketLimitException when the user holds too many unused tickets or asked too often
     */
    public String issue(long userId) {
        byte[] bytes = new byte[TICKET_BYTES];
        random.nextBytes(bytes);
        String ticket = encoder.encodeToString(bytes);
        if (shared != null) {
            OptionalLong stored = shared.store(ticket, userId, ttlSeconds(), maxOutstanding, perMinute);
            if (stored.isPresent()) {
                if (stored.getAsLong() > 0) {
                    throw refused(userId, stored.getAsLong());
                }
                return ticket;
            }
        }
        long now = clock.getAsLong();
        long expiresAt = now + ttlNanos;
        OptionalLong wait = quota.take(userId, expiresAt, now);
        if (wait.isPresent()) {
            throw refused(userId, wait.getAsLong());
        }
        tickets.put(ticket, new Entry(userId, expiresAt));
        purgeExpired(now);
        return ticket;
    }

    private TicketLimitException refused(long userId, long retryAfterSeconds) {
        stats.ticketRefused();
        refusals.refused("ticket: issuance limit", Level.INFO, () -> "Refused a connect ticket to user " + userId + ": "
                + maxOutstanding + " unused tickets or " + perMinute + " per minute reached (herald.ticket.max-outstanding, herald.ticket.rate)");
        return new TicketLimitException(retryAfterSeconds);
    }

    /**
     * Uses up a ticket: it never authenticates again, whatever the result.
     *
     * @param ticket the value from the handshake's query, or null
     * @return the user id it was issued for, or empty when it is unknown, expired or already used
     */
    public OptionalLong consume(String ticket) {
        if (!wellFormed(ticket)) {
            return OptionalLong.empty();
        }
        Entry entry = tickets.remove(ticket);
        if (entry == null && shared != null) {
            return shared.take(ticket);
        }
        if (entry != null) {
            quota.release(entry.userId(), entry.expiresAtNanos());
        }
        if (entry == null || entry.expired(clock.getAsLong())) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(entry.userId());
    }

    /**
     * Whether a value can be a ticket at all: 43 URL-safe Base64 characters encoding 256 bits (the last
     * character carries 4 bits, so its low 2 bits are zero). Checked before a handshake is upgraded, so
     * a made-up value costs neither an endpoint instance nor a Redis round trip.
     *
     * @param value a handshake's {@code ticket} parameter
     * @return true when it has the form of an issued ticket
     */
    public static boolean wellFormed(String value) {
        if (value == null || value.length() != TICKET_CHARS) {
            return false;
        }
        for (int i = 0; i < TICKET_CHARS; i++) {
            char c = value.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return "AEIMQUYcgkosw048".indexOf(value.charAt(TICKET_CHARS - 1)) >= 0;
    }

    /** @return tickets held in this node's memory now, expired ones not yet purged included */
    public int size() {
        return tickets.size();
    }

    /** @return users whose issuance limits are tracked in this node's memory now */
    int trackedUsers() {
        return quota.users();
    }

    private void purgeExpired(long now) {
        long last = lastPurgeNanos.get();
        if (now - last >= ttlNanos && lastPurgeNanos.compareAndSet(last, now)) {
            tickets.values().removeIf(entry -> entry.expired(now));
            quota.purge(now);
        }
    }

    /** A ticket's user and expiry time. */
    private record Entry(long userId, long expiresAtNanos) {
        boolean expired(long now) {
            return now - expiresAtNanos >= 0;
        }
    }
}
