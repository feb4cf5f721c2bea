package dev.herald.cluster.control;

import dev.herald.stats.control.HeraldStats;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Whether Redis is reachable, as the last call found it. A run of failures is one outage: counted
 * once, logged once at WARN when it starts and once at INFO when it ends, however many calls failed or
 * were skipped in between.
 */
final class Outage {

    private static final Logger LOG = Logger.getLogger(Outage.class.getName());

    private final AtomicBoolean down = new AtomicBoolean();
    private final String redis;
    private final HeraldStats stats;
    private final Runnable onChange;

    /**
     * @param redis    where Redis is, for the log (no credentials)
     * @param stats    counts outages
     * @param onChange runs once when an outage starts and once when it ends
     */
    Outage(String redis, HeraldStats stats, Runnable onChange) {
        this.redis = redis;
        this.stats = stats;
        this.onChange = onChange;
    }

    /** @return true while Redis is known to be unreachable */
    boolean isDown() {
        return down.get();
    }

    /**
     * @param cause why a call failed
     * @return true when this failure started an outage
     */
    boolean failed(Exception cause) {
        if (!down.compareAndSet(false, true)) {
            return false;
        }
        stats.redisOutage();
        LOG.warning(() -> "Redis at " + redis + " is unreachable (" + cause + "): delivering to this node's sessions only, "
                + "presence checks see this node only, until it is back");
        onChange.run();
        return true;
    }

    /** @return true when this success ended an outage */
    boolean recovered() {
        if (!down.compareAndSet(true, false)) {
            return false;
        }
        LOG.info(() -> "Redis at " + redis + " is reachable again: cross-node delivery and presence resume");
        onChange.run();
        return true;
    }
}
