package dev.herald.messages.entity;

import java.util.Optional;

/**
 * Whose stream a message belongs to: one user's ({@link User}, a positive id) or everyone's
 * ({@link #BROADCAST}). The same key names the target of a send, the {@code herald.v1} stream on
 * the wire and in memory, and the stream's keys in Redis; a user stream of id 0 or less cannot exist,
 * so a targeted send can never reach everyone. (Groups and topics would be further kinds.)
 */
public sealed interface StreamKey permits StreamKey.User, StreamKey.Broadcast {

    /** The broadcast stream: every session. */
    StreamKey BROADCAST = Broadcast.EVERYONE;

    /**
     * @param userId a user id
     * @return the user's stream
     * @throws IllegalArgumentException when the id is not positive
     */
    static User user(long userId) {
        return new User(userId);
    }

    /**
     * The stream a {@link #shortName()} names.
     *
     * @param shortName {@code u<id>} (a positive id in decimal, no sign or leading zero) or {@code b}
     * @return the stream; empty when the text names none
     */
    static Optional<StreamKey> ofShortName(String shortName) {
        if ("b".equals(shortName)) {
            return Optional.of(BROADCAST);
        }
        if (shortName == null || !shortName.matches("u[1-9][0-9]{0,18}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(user(Long.parseLong(shortName.substring(1))));
        } catch (NumberFormatException e) {
            return Optional.empty(); // beyond Long.MAX_VALUE
        }
    }

    /** @return the stream's name in {@code herald.v1} frames: {@code user} or {@code broadcast} */
    String wireName();

    /** @return a short, unique name: {@code u<id>} or {@code b} (the stream's Redis keys end with it) */
    String shortName();

    /** @return true for the broadcast stream */
    default boolean isBroadcast() {
        return this == BROADCAST;
    }

    /**
     * One user's stream.
     *
     * @param id the user, a positive number
     */
    record User(long id) implements StreamKey {

        /** @throws IllegalArgumentException when the id is not positive */
        public User {
            if (id <= 0) {
                throw new IllegalArgumentException("User id must be a positive number, was " + id);
            }
        }

        @Override
        public String wireName() {
            return "user";
        }

        @Override
        public String shortName() {
            return "u" + id;
        }
    }

    /** The broadcast stream's one key. */
    enum Broadcast implements StreamKey {
        /** Every session of every user. */
        EVERYONE;

        @Override
        public String wireName() {
            return "broadcast";
        }

        @Override
        public String shortName() {
            return "b";
        }
    }
}
