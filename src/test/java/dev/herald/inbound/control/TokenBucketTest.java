package dev.herald.inbound.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aFullBucketAllowsTheBurstAndNoMore() {
        TokenBucket bucket = new TokenBucket(20, 40, 0);
        for (int i = 0; i < 40; i++) {
            assertTrue(bucket.tryTake(0), "frame " + i);
        }
        assertFalse(bucket.tryTake(0));
    }

    @Test
    void tokensComeBackAtTheRate() {
        TokenBucket bucket = new TokenBucket(20, 40, 0);
        for (int i = 0; i < 40; i++) {
            bucket.tryTake(0);
        }
        long fiftyMs = SECOND / 20;
        assertFalse(bucket.tryTake(fiftyMs - 1), "not yet a whole token");
        assertTrue(bucket.tryTake(fiftyMs));
        assertFalse(bucket.tryTake(fiftyMs));
        assertTrue(bucket.tryTake(2 * fiftyMs));
    }

    @Test
    void aSustainedRateAtTheLimitIsAllowed() {
        TokenBucket bucket = new TokenBucket(20, 1, 0);
        for (int i = 1; i <= 1000; i++) {
            assertTrue(bucket.tryTake(i * SECOND / 20), "frame " + i);
        }
        assertFalse(bucket.tryTake(1000 * SECOND / 20), "a second frame in the same 50 ms");
    }

    @Test
    void anIdleBucketRefillsOnlyUpToTheBurst() {
        TokenBucket bucket = new TokenBucket(20, 40, 0);
        for (int i = 0; i < 40; i++) {
            bucket.tryTake(0);
        }
        long hourLater = TimeUnit.HOURS.toNanos(1);
        for (int i = 0; i < 40; i++) {
            assertTrue(bucket.tryTake(hourLater));
        }
        assertFalse(bucket.tryTake(hourLater));
    }

    @Test
    void worksAcrossTheNanoTimeSignFlip() {
        long start = Long.MAX_VALUE - SECOND / 40;
        TokenBucket bucket = new TokenBucket(20, 1, start);
        assertTrue(bucket.tryTake(start));
        assertFalse(bucket.tryTake(start));
        assertTrue(bucket.tryTake(start + SECOND / 20), "the clock wrapped past Long.MAX_VALUE");
    }

    @Test
    void aRateOfZeroDisablesTheLimit() {
        TokenBucket bucket = new TokenBucket(0, 1, 0);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(bucket.tryTake(0));
        }
    }
}
