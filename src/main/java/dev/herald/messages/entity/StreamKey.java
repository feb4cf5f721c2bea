package dev.herald.messages.entity;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whose stream a message belongs to: one user's ({@link User}, a positive id), everyone's
 * ({@link #BROADCAST}), a group's ({@link Group}, membership decided by the server) or a topic's
 * ({@link Topic}, subscribed to by clients). The same key names the target of a send, the
 * {@code herald.v1} stream on the wire and in memory, and the stream's keys in Redis; a user stream
 * of id 0 or less cannot exist, so a targeted send can never reach everyone.
 */
public sealed interface StreamKey permits StreamKey.User, StreamKey.Broadcast, StreamKey.Named {

    /** The broadcast stream: every session. */
    StreamKey BROADCAST = Broadcast.EVERYONE;

    /** The longest group or topic name. */
    int MAX_NAME_LENGTH = 200;

    /**
     * @param userId a user id
     * @return the user's stream
     * @throws IllegalArgumentException when the id is not positive
     */
    static User user(long userId) {
        return new User(userId);
    }

    /**
     * @param shortName a stream's {@link #shortName()}: {@code u<id>}, {@code b}, {@code g:<name>} or {@code t:<name>}
     * @return the stream; empty when the text names none
     */
    static Optional<StreamKey> ofShortName(String shortName) {
        if (shortName == null || shortName.isEmpty()) {
            return Optional.empty();
        }
        if ("b".equals(shortName)) {
            return Optional.of(BROADCAST);
        }
        if (shortName.startsWith("g:") && Named.isValidName(shortName.substring(2))) {
            return Optional.of(new Group(shortName.substring(2)));
        }
        if (shortName.startsWith("t:") && Named.isValidName(shortName.substring(2))) {
            return Optional.of(new Topic(shortName.substring(2)));
        }
        if (shortName.matches("u[1-9][0-9]{0,18}")) {
            try {
                return Optional.of(new User(Long.parseLong(shortName.substring(1))));
            } catch (NumberFormatException tooBig) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** @return the stream's name in {@code herald.v1} frames: {@code user}, {@code broadcast}, {@code group} or {@code topic} */
    String wireName();

    /** @return a short, unique name: {@code u<id>}, {@code b}, {@code g:<name>} or {@code t:<name>} (the stream's Redis keys end with it) */
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

    /**
     * A stream with a name: a group or a topic. Names are 1 to {@value #MAX_NAME_LENGTH} letters,
     * digits, {@code .}, {@code _}, {@code :}, {@code -} and {@code /} (ASCII), so they go into
     * frames, URLs and Redis keys without escaping.
     */
    sealed interface Named extends StreamKey permits Group, Topic {

        /** What a name may be made of. */
        Pattern NAME = Pattern.compile("[A-Za-z0-9._:/-]{1," + MAX_NAME_LENGTH + "}");

        /** @return the group's or topic's name */
        String name();

        /**
         * @param name a candidate name
         * @return true when it is a valid group or topic name
         */
        static boolean isValidName(String name) {
            return name != null && NAME.matcher(name).matches();
        }

        /**
         * @param kind "Group" or "Topic", for the message
         * @param name the name to check
         * @throws IllegalArgumentException when the name is not valid
         */
        static void requireValid(String kind, String name) {
            if (!isValidName(name)) {
                throw new IllegalArgumentException(kind + " name must be 1 to " + MAX_NAME_LENGTH
                        + " letters, digits, '.', '_', ':', '-' or '/'");
            }
        }
    }

    /**
     * A group's stream: the server decides who is a member.
     *
     * @param name the group's name ({@link Named})
     */
    record Group(String name) implements Named {

        /** @throws IllegalArgumentException when the name is not valid */
        public Group {
            Named.requireValid("Group", name);
        }

        @Override
        public String wireName() {
            return "group";
        }

        @Override
        public String shortName() {
            return "g:" + name;
        }
    }

    /**
     * A topic's stream: clients subscribe, a policy decides.
     *
     * @param name the topic's name ({@link Named})
     */
    record Topic(String name) implements Named {

        /** @throws IllegalArgumentException when the name is not valid */
        public Topic {
            Named.requireValid("Topic", name);
        }

        @Override
        public String wireName() {
            return "topic";
        }

        @Override
        public String shortName() {
            return "t:" + name;
        }
    }
}
