package dev.herald.bench.peers.boundary;

import dev.herald.bench.peers.control.BroadcastRounds;
import dev.herald.bench.peers.control.GroupRounds;
import dev.herald.bench.peers.control.NaiveManager;
import dev.herald.bench.peers.control.NotifyLoad;
import dev.herald.bench.peers.control.ProcessFacts;
import dev.herald.bench.peers.control.RawSessions;
import dev.herald.bench.peers.control.StalledFill;
import dev.herald.bench.peers.control.TargetedLoad;
import dev.herald.connections.control.WebSocketManager;
import dev.herald.stats.control.HeraldStats;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.List;

/** What the harness calls on the server: facts, counts, P1 runs, P2 rounds, P4 runs and P5's group calls. */
@RequestScoped
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class BenchResource {

    @Inject
    TargetedLoad load;
    @Inject
    BroadcastRounds rounds;
    @Inject
    StalledFill fill;
    @Inject
    WebSocketManager herald;
    @Inject
    HeraldStats stats;
    @Inject
    RawSessions raw;
    @Inject
    NaiveManager naive;
    @Inject
    NotifyLoad notify;
    @Inject
    GroupRounds groups;

    /** Created per request. */
    public BenchResource() {
    }

    /** @return the server JVM's facts and its current nanoTime */
    @GET
    @Path("info")
    public JsonObject info() {
        return ProcessFacts.jvm().build();
    }

    /**
     * @param gc run a full GC first
     * @return heap, RSS, file descriptors and registered sessions per peer
     */
    @GET
    @Path("memory")
    public JsonObject memory(@QueryParam("gc") @DefaultValue("false") boolean gc) {
        return ProcessFacts.memory(gc)
                .add("heraldUsers", herald.connectedUsers())
                .add("rawSessions", raw.size())
                .add("naiveSessions", naive.size())
                .add("herald", stats.snapshot(herald.connectedUsers()))
                .build();
    }

    /**
     * One P1 run; answers when it is over.
     *
     * @param peer       HERALD or RAW
     * @param users      user ids 1..users
     * @param run        run id
     * @param durationMs how long
     * @param window     most unwritten messages
     * @param size       message bytes
     * @return the run's counts
     * @throws InterruptedException when interrupted
     */
    @POST
    @Path("p1")
    public JsonObject p1(@QueryParam("peer") TargetedLoad.Peer peer, @QueryParam("users") int users,
                         @QueryParam("run") long run, @QueryParam("durationMs") long durationMs,
                         @QueryParam("window") int window, @QueryParam("size") int size) throws InterruptedException {
        return load.run(peer, users, run, durationMs, window, size);
    }

    /**
     * Starts one P2 broadcast round.
     *
     * @param peer  HERALD or NAIVE
     * @param round round id
     * @param size  message bytes
     * @return 202 when started, 409 when the previous round's broadcast is still running
     */
    @POST
    @Path("broadcast")
    public Response broadcast(@QueryParam("peer") BroadcastRounds.Peer peer, @QueryParam("round") long round,
                              @QueryParam("size") int size) {
        boolean started = rounds.start(peer, round, size);
        return Response.status(started ? Response.Status.ACCEPTED : Response.Status.CONFLICT)
                .entity(Json.createObjectBuilder().add("started", started).build()).build();
    }

    /**
     * Fills the stalled clients' buffers (P2's steady state), then answers.
     *
     * @param peer    HERALD or NAIVE: whose sessions
     * @param users   the stalled user ids, comma-separated
     * @param stallMs no completed write for this long means full
     * @return bytes the container accepted per session
     * @throws InterruptedException when interrupted
     */
    @POST
    @Path("fill")
    public JsonObject fill(@QueryParam("peer") BroadcastRounds.Peer peer, @QueryParam("users") String users,
                           @QueryParam("stallMs") @DefaultValue("1000") long stallMs) throws InterruptedException {
        List<Long> ids = Arrays.stream(users.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Long::valueOf).toList();
        return fill.fill(peer == BroadcastRounds.Peer.NAIVE, ids, stallMs, 16L * 1024 * 1024);
    }

    /**
     * One P4 run (notifications, possibly to users on another cluster node); answers when it is over.
     *
     * @param users      user ids 1..users
     * @param run        run id
     * @param durationMs how long
     * @param rate       messages per second, 0 for as fast as possible
     * @param size       message bytes
     * @param senders    sending threads
     * @return the run's counts
     * @throws InterruptedException when interrupted
     */
    @POST
    @Path("p4")
    public JsonObject p4(@QueryParam("users") int users, @QueryParam("run") long run, @QueryParam("durationMs") long durationMs,
                         @QueryParam("rate") int rate, @QueryParam("size") int size,
                         @QueryParam("senders") @DefaultValue("1") int senders) throws InterruptedException {
        return notify.run(users, run, durationMs, rate, size, senders);
    }

    /**
     * One P5 round: a single {@code sendToGroup} or {@code broadcast} from the request thread.
     *
     * @param send  GROUP or BROADCAST
     * @param group the group's name (GROUP only)
     * @param round round id
     * @param size  message bytes
     * @return the call's start nanoTime, its duration and this node's sessions it was queued on
     */
    @POST
    @Path("p5/send")
    public JsonObject p5Send(@QueryParam("send") GroupRounds.Send send, @QueryParam("group") @DefaultValue("bench:all") String group,
                             @QueryParam("round") long round, @QueryParam("size") int size) {
        return groups.send(send, group, round, size);
    }

    /**
     * One P5 join: {@code join(user, group)}, then at once one {@code sendToGroup} to that group.
     *
     * @param user  the user
     * @param group the group's name
     * @param round round id of the message
     * @param size  message bytes
     * @return the join's start nanoTime and duration, and the send's start nanoTime
     */
    @POST
    @Path("p5/join")
    public JsonObject p5Join(@QueryParam("user") long user, @QueryParam("group") String group,
                             @QueryParam("round") long round, @QueryParam("size") int size) {
        return groups.joinThenSend(user, group, round, size);
    }

    /**
     * P5: {@code leave(user, group)}, so that the next user joins a group without earlier joiners.
     *
     * @param user  the user
     * @param group the group's name
     * @return the leave call's duration
     */
    @POST
    @Path("p5/leave")
    public JsonObject p5Leave(@QueryParam("user") long user, @QueryParam("group") String group) {
        return groups.leave(user, group);
    }

    /**
     * @param group the group's name
     * @return this node's users and live sessions in the group
     */
    @GET
    @Path("p5/presence")
    public JsonObject p5Presence(@QueryParam("group") String group) {
        return groups.presence(group);
    }
}
