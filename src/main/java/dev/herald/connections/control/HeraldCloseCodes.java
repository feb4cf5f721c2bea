package dev.herald.connections.control;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;

/**
 * The close codes and reasons Herald sends, one code per cause, as in the README table "Close codes":
 * standard codes where one fits exactly, Herald's own 4000–4007 otherwise. Clients decide from the code
 * alone whether to reconnect; the reason is for people reading logs. A bare 1008 comes only from the
 * container (it closes the sockets of an ended HTTP session itself, on Payara and WildFly).
 */
public final class HeraldCloseCodes {

    /** Application-range code for a session closed because it could not keep up (retryable). */
    public static final int SLOW_CONSUMER_CODE = 4000;
    /** Application-range code for a session that stopped answering pings (retryable). */
    public static final int HEARTBEAT_TIMEOUT_CODE = 4001;

    /** Application-range code for a session whose HTTP sign-in ended (final: the client must sign in again). */
    public static final int SIGNED_OUT_CODE = 4002;

    /** 1001: the application is stopping. */
    public static final CloseReason GOING_AWAY = new CloseReason(CloseCodes.GOING_AWAY, "going away");
    /**
     * 4008: the server application called {@code disconnect} (final). Herald's own code, not 1000: a proxy or
     * server may close with 1000 for its own reasons, and that must not stop a client for good.
     */
    public static final CloseReason DISCONNECTED = herald(4008, "disconnected");
    /** 4003: the handshake carried no identity Herald accepts (a fresh ticket may help once). */
    public static final CloseReason AUTHENTICATION_REQUIRED = herald(4003, "authentication required");
    /** 4004: the handshake's {@code ticket} was unknown, expired or already used (a fresh ticket may help once). */
    public static final CloseReason INVALID_TICKET = herald(4004, "invalid or expired ticket");
    /** 4005: the handshake's Origin is not allowed (only when the handshake filter did not refuse it with 403 first). */
    public static final CloseReason ORIGIN_NOT_ALLOWED = herald(4005, "origin not allowed");
    /** 4006: the user opened more sessions than {@code herald.max-sessions-per-user}; this, the oldest, was closed. */
    public static final CloseReason SESSION_LIMIT = herald(4006, "session limit");
    /** 4007: the client sent more frames than {@code herald.inbound.rate} and {@code herald.inbound.burst} allow. */
    public static final CloseReason RATE_LIMIT = herald(4007, "rate limit");
    /** 1003: the client sent a binary frame; Herald accepts text only. */
    public static final CloseReason BINARY_NOT_ACCEPTED = new CloseReason(CloseCodes.CANNOT_ACCEPT, "binary frames not accepted");
    /** 1009: a text message was larger than {@code herald.inbound.max-bytes}. */
    public static final CloseReason MESSAGE_TOO_BIG = new CloseReason(CloseCodes.TOO_BIG, "message too big");
    /** 1011: a write failed. */
    public static final CloseReason SEND_FAILED = new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "send failed");
    /** 4000: the send buffer or send time limit was exceeded. */
    public static final CloseReason SLOW_CONSUMER = herald(SLOW_CONSUMER_CODE, "slow consumer");
    /** 4001: no pong or other frame within the heartbeat timeout. */
    public static final CloseReason HEARTBEAT_TIMEOUT = herald(HEARTBEAT_TIMEOUT_CODE, "heartbeat timeout");
    /** 4002: the HTTP session the handshake was authenticated with was invalidated or timed out. */
    public static final CloseReason SIGNED_OUT = herald(SIGNED_OUT_CODE, "signed out");
    /** 1013: the session opened after its handshake's registration had waited longer than {@code herald.handshake.open-timeout-ms}. */
    public static final CloseReason OPEN_TIMEOUT = new CloseReason(CloseCodes.TRY_AGAIN_LATER, "open timeout");
    /** 1012: a {@code herald.v1} session of a cluster node missed relayed messages; the client reconnects and recovers them. */
    public static final CloseReason RESYNC = new CloseReason(CloseCodes.SERVICE_RESTART, "resync");

    private HeraldCloseCodes() {
    }

    private static CloseReason herald(int code, String reason) {
        return new CloseReason(CloseCodes.getCloseCode(code), reason);
    }
}
