package dev.herald.bench.peers.entity;

/**
 * The benchmark's message (about 200 bytes of JSON): which run or round it belongs to, a sequence
 * number, and the sender's {@link System#nanoTime()} at the send call, from which the client computes
 * the latency (client and server share the machine's monotonic clock).
 *
 * @param pad  filler that brings the JSON to the wanted size
 * @param run  the run (P1) or round (P2) id
 * @param seq  sequence number within the run
 * @param t    {@link System#nanoTime()} when the send was called
 * @param type always {@code "bench"}
 */
public record BenchMessage(String pad, long run, long seq, long t, String type) {

    /**
     * @param run  run or round id
     * @param seq  sequence number
     * @param size wanted JSON size in bytes (approximate: numbers vary in length)
     * @return a message stamped now
     */
    public static BenchMessage now(long run, long seq, int size) {
        return new BenchMessage(pad(size), run, seq, System.nanoTime(), "bench");
    }

    /**
     * The same text JSON-B produces (properties in lexicographic order), built without a serializer:
     * the raw peer's pre-serialized string.
     *
     * @return the JSON text
     */
    public String json() {
        return "{\"pad\":\"" + pad + "\",\"run\":" + run + ",\"seq\":" + seq + ",\"t\":" + t + ",\"type\":\"" + type + "\"}";
    }

    private static final int FIXED = "{\"pad\":\"\",\"run\":0,\"seq\":000000,\"t\":000000000000000,\"type\":\"bench\"}".length();
    private static final String PADDING = "x".repeat(1 << 16);

    private static String pad(int size) {
        return PADDING.substring(0, Math.max(0, Math.min(PADDING.length(), size - FIXED)));
    }
}
