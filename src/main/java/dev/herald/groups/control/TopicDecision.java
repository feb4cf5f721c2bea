package dev.herald.groups.control;

import java.util.regex.Pattern;

/**
 * A {@link TopicPolicy}'s answer.
 *
 * @param allowed true when the session may subscribe
 * @param reason  why not (sent to the client in {@code herald.refused}): 1 to 40 lower-case letters,
 *                digits and {@code -}; another word becomes {@value #FORBIDDEN}. Null when allowed
 */
public record TopicDecision(boolean allowed, String reason) {

    /** The reason of a policy's refusal that gives none of its own. */
    public static final String FORBIDDEN = "forbidden";

    private static final Pattern WORD = Pattern.compile("[a-z0-9-]{1,40}");
    private static final TopicDecision ALLOW = new TopicDecision(true, null);

    /** Normalises the reason. */
    public TopicDecision {
        reason = allowed ? null : reason != null && WORD.matcher(reason).matches() ? reason : FORBIDDEN;
    }

    /** @return the decision that lets the session subscribe */
    public static TopicDecision allow() {
        return ALLOW;
    }

    /**
     * @param reason why, e.g. {@code not-a-member}
     * @return the decision that refuses the subscription
     */
    public static TopicDecision deny(String reason) {
        return new TopicDecision(false, reason);
    }
}
