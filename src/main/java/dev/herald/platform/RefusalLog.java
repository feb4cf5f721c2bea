package dev.herald.platform;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs refusals that a client can repeat at will (refused handshakes, malformed or oversized frames,
 * rate limits) without letting a flood fill the log: the first refusal of a kind is logged in full,
 * the repeats are only counted, and one summary line per interval (60 s) gives the count of each kind.
 * A kind that was not repeated during an interval is logged in full again at its next refusal.
 * Lock-free; the counters are reset by each summary (the totals are in {@code /api/stats}).
 */
@ApplicationScoped
public class RefusalLog {

    /** How often repeated refusals are summarised. */
    public static final long INTERVAL_SECONDS = 60;

    private static final Logger LOG = Logger.getLogger(RefusalLog.class.getName());

    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
    private final Logger log;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> summaries;

    /** Creates the bean; the summary is scheduled on the container's scheduler. */
    public RefusalLog() {
        this(LOG);
    }

    /**
     * A log outside a container (unit tests): call {@link #summarise()} yourself.
     *
     * @param log where the lines go
     */
    public RefusalLog(Logger log) {
        this.log = log;
    }

    @PostConstruct
    void start() {
        if (scheduler != null) {
            summaries = scheduler.scheduleAtFixedRate(this::summarise, INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (summaries != null) {
            summaries.cancel(false);
        }
        summarise();
    }

    /**
     * Records one refusal.
     *
     * @param kind   what was refused, a constant such as {@code "handshake: invalid ticket"} (never client
     *               input: each kind holds a counter for the application's lifetime)
     * @param level  the level of the full line
     * @param detail the full line, built only when it is logged; never a credential or a ticket
     */
    public void refused(String kind, Level level, Supplier<String> detail) {
        Tally tally = tallies.computeIfAbsent(kind, k -> new Tally());
        if (tally.quiet.compareAndSet(true, false)) {
            log.log(level, () -> detail.get() + " (further \"" + kind + "\" refusals are summarised every " + INTERVAL_SECONDS + " s)");
        } else {
            tally.repeats.increment();
        }
    }

    /**
     * @param value client input to quote in a log line (a header), or null
     * @return at most 100 characters of it, control characters replaced
     */
    public static String printable(String value) {
        if (value == null) {
            return "(none)";
        }
        String cut = value.length() > 100 ? value.substring(0, 100) + "…" : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** Logs one line with the repeats of every kind since the last summary, if there were any. */
    public void summarise() {
        Map<String, Long> counts = new TreeMap<>();
        tallies.forEach((kind, tally) -> {
            long repeats = tally.repeats.sumThenReset();
            if (repeats > 0) {
                counts.put(kind, repeats);
            } else {
                tally.quiet.set(true);
            }
        });
        if (!counts.isEmpty()) {
            StringJoiner line = new StringJoiner(", ", "Repeated refusals in the last " + INTERVAL_SECONDS + " s: ", "");
            counts.forEach((kind, repeats) -> line.add(kind + " ×" + repeats));
            log.info(line.toString());
        }
    }

    /** One kind's state: whether its next refusal is logged in full, and the repeats not yet summarised. */
    private static final class Tally {
        final AtomicBoolean quiet = new AtomicBoolean(true);
        final LongAdder repeats = new LongAdder();
    }
}
