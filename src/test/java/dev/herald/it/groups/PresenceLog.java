package dev.herald.it.groups;

import dev.herald.connections.entity.UserOffline;
import dev.herald.connections.entity.UserOnline;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every {@link UserOnline} and {@link UserOffline} this node fires, as {@code +id} and {@code -id} (test deployments only). */
@ApplicationScoped
public class PresenceLog {

    private final List<String> changes = new CopyOnWriteArrayList<>();

    void online(@Observes UserOnline event) {
        changes.add("+" + event.userId());
    }

    void offline(@Observes UserOffline event) {
        changes.add("-" + event.userId());
    }

    /**
     * @param userId a user
     * @return the user's changes so far, in the order fired
     */
    public List<String> of(long userId) {
        return changes.stream().filter(change -> change.substring(1).equals(Long.toString(userId))).toList();
    }
}
