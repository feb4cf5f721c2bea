package dev.herald.connections.control;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;

/**
 * The close codes and reasons Herald sends, as documented in the README. Browser clients decide from
 * them whether to reconnect.
 */
public final class HeraldCloseCodes {

    /** Application-range code for a session closed because it could not keep up (retryable). */
    public static final int SLOW_CONSUMER_CODE = 4000;
    /** Application-range code for a session that stopped answering pings (retryable). */
    public static final int HEARTBEAT_TIMEOUT_CODE = 4001;

    /** Application-range code for a session whose HTTP sign-in ended (final: the client must sign in again). */
    public static final int SIGNED_OUT_CODE = 4002;

    /** 1000: the server application called {@code disconnect}. */
    public static final CloseReason DISCONNECTED = new CloseReason(CloseCodes.NORMAL_CLOSURE, "disconnected");
    /** 1001: the application is stopping. */
    public static final CloseReason GOING_AWAY = new CloseReason(CloseCodes.GOING_AWAY, "going away");
    /** 1008: the handshake carried no identity Herald accepts. */
    public static final CloseReason AUTHENTICATION_REQUIRED = new CloseReason(CloseCodes.VIOLATED_POLICY, "authentication required");
    /** 1008: the user opened more sessions than allowed; this, the oldest, was closed. */
    public static final CloseReason SESSION_LIMIT = new CloseReason(CloseCodes.VIOLATED_POLICY, "session limit");
    /** 1008: the handshake's {@code ticket} was unknown, expired or already used. */
    public static final CloseReason INVALID_TICKET = new CloseReason(CloseCodes.VIOLATED_POLICY, "invalid or expired ticket");
    /** 1008: the handshake's Origin is not allowed (only when the handshake filter did not refuse it first). */
    public static final CloseReason ORIGIN_NOT_ALLOWED = new CloseReason(CloseCodes.VIOLATED_POLICY, "origin not allowed");
    /** 1008: the client sent more frames than {@code herald.inbound.rate} and {@code herald.inbound.burst} allow. */
    public static final CloseReason RATE_LIMIT = new CloseReason(CloseCodes.VIOLATED_POLICY, "rate limit");
    /** 1003: the client sent a binary frame; Herald accepts text only. */
    public static final CloseReason BINARY_NOT_ACCEPTED = new CloseReason(CloseCodes.CANNOT_ACCEPT, "binary frames not accepted");
    /** 1009: a text message was larger than {@code herald.inbound.max-bytes}. */
    public static final CloseReason MESSAGE_TOO_BIG = new CloseReason(CloseCodes.TOO_BIG, "message too big");
    /** 1011: a write failed. */
    public static final CloseReason SEND_FAILED = new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "send failed");
    /** 4000: the send buffer or send time limit was exceeded. */
    public static final CloseReason SLOW_CONSUMER = new CloseReason(CloseCodes.getCloseCode(SLOW_CONSUMER_CODE), "slow consumer");
    /** 4001: no pong or other frame within the heartbeat timeout. */
    public static final CloseReason HEARTBEAT_TIMEOUT = new CloseReason(CloseCodes.getCloseCode(HEARTBEAT_TIMEOUT_CODE), "heartbeat timeout");
    /** 4002: the HTTP session the handshake was authenticated with was invalidated or timed out. */
    public static final CloseReason SIGNED_OUT = new CloseReason(CloseCodes.getCloseCode(SIGNED_OUT_CODE), "signed out");
    /** 1013: the session opened after its handshake's registration had waited longer than {@code herald.handshake.open-timeout-ms}. */
    public static final CloseReason OPEN_TIMEOUT = new CloseReason(CloseCodes.TRY_AGAIN_LATER, "open timeout");
    /** 1012: a {@code herald.v1} session of a cluster node missed relayed messages; the client reconnects and recovers them. */
    public static final CloseReason RESYNC = new CloseReason(CloseCodes.SERVICE_RESTART, "resync");

    private HeraldCloseCodes() {
    }
}
