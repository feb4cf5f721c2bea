package dev.herald.tickets.control;

import java.util.OptionalLong;

/**
 * Connect tickets where every node of a cluster finds them (a CDI bean the cluster adapter produces).
 * Every answer may be empty: on a single node, and while the shared store cannot be reached, the
 * {@link TicketStore} keeps tickets in this node's memory.
 */
public interface SharedTickets {

    /**
     * @param ticket         the ticket
     * @param userId         its user
     * @param ttlSeconds     its lifetime
     * @param maxOutstanding unused, unexpired tickets the user may hold on all nodes together (0: no cap)
     * @param perMinute      tickets the user may be issued per minute on all nodes together (0: no limit)
     * @return 0 when stored; the seconds until the user may ask again when a limit refused it; empty
     *         when not shared
     */
    OptionalLong store(String ticket, long userId, long ttlSeconds, int maxOutstanding, int perMinute);

    /**
     * Uses up a ticket stored by any node.
     *
     * @param ticket the ticket
     * @return its user; empty when unknown, expired, used or not shared
     */
    OptionalLong take(String ticket);
}
