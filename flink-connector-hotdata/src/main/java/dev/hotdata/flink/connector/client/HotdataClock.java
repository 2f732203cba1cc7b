package dev.hotdata.flink.connector.client;

import java.time.Duration;

/**
 * The time source the client uses for retry deadlines, back-off pauses and polling. Injectable so
 * tests can run retry scenarios without really waiting.
 */
public interface HotdataClock {

    /** Monotonic time in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Pauses the calling thread. */
    void sleep(Duration duration) throws InterruptedException;

    /** The real clock: {@link System#nanoTime()} and {@link Thread#sleep(long)}. */
    static HotdataClock system() {
        return SystemClock.INSTANCE;
    }

    /** The real clock's implementation. */
    enum SystemClock implements HotdataClock {
        INSTANCE;

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            long millis = duration.toMillis();
            if (millis > 0) {
                Thread.sleep(millis);
            }
        }
    }
}
