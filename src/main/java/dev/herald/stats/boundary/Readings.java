package dev.herald.stats.boundary;

import dev.herald.connections.control.WebSocketManager;
import dev.herald.stats.control.HeraldStats;
import dev.herald.stats.control.Reading;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Every number Herald reports, in one list that feeds both {@code GET /api/stats} and the metrics
 * registry: {@link HeraldStats}' counters and gauges, the connected users, and the size of the
 * in-memory {@code herald.v1} history.
 */
@ApplicationScoped
public class Readings {

    @Inject
    HeraldStats stats;
    @Inject
    WebSocketManager manager;

    private List<Reading> all;

    /** Creates the bean. */
    public Readings() {
    }

    @PostConstruct
    void list() {
        List<Reading> readings = new ArrayList<>(stats.readings());
        readings.add(Reading.gauge("connectedUsers", "herald.users.connected", "Users with at least one session now", null,
                manager::connectedUsers));
        readings.add(Reading.gauge("historyBytes", "herald.history.size.bytes", "Bytes held by the in-memory v1 history", "bytes",
                () -> manager.history().bytes()));
        readings.add(Reading.gauge("historyEntries", "herald.history.entries", "Messages held by the in-memory v1 history", null,
                () -> manager.history().entries()));
        readings.add(Reading.gauge("historyStreams", "herald.history.streams", "Streams held by the in-memory v1 history", null,
                () -> manager.history().streams()));
        readings.add(new Reading("historyEvictions", "herald.history.evictions", "Messages evicted from the in-memory v1 history", null,
                true, () -> manager.history().evictions()));
        all = List.copyOf(readings);
    }

    /** @return every reading */
    public List<Reading> all() {
        return all;
    }
}
