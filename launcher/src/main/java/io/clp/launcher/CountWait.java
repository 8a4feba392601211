package io.clp.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Waits for a count that a benchmark does not drive itself (batches applied downstream, audit entries recorded) to reach
 * a target: polls it, prints progress now and then, and gives up when the count stops moving or the deadline passes.
 *
 * @param who what is counted, as printed ("campaign-service", "audit trail")
 * @param unit what the count counts ("metrics batches applied")
 * @param stalledHint where to look when it gives up
 * @param stalledAfter how long the count may stand still
 * @param poll the pause between two reads: a count is a query, and must not slow what it measures
 */
record CountWait(String who, String unit, String stalledHint, Duration stalledAfter, Duration poll) {

    private static final Duration PRINT_EVERY = Duration.ofSeconds(15);

    /** Reads the count; each call is one query. */
    @FunctionalInterface
    interface Count {
        long read() throws Exception;
    }

    /**
     * Returns the {@link System#nanoTime()} at which the count was seen at {@code target} or more, or -1 (after saying
     * so on {@code out}) when it stood still for {@link #stalledAfter} or {@code deadlineNanos} passed.
     */
    long await(long target, long deadlineNanos, Count count, PrintStream out) throws Exception {
        long last = -1;
        long movedAt = System.nanoTime();
        long printedAt = movedAt;
        while (true) {
            long seen = count.read();
            long now = System.nanoTime();
            if (seen >= target) {
                return now;
            }
            if (seen != last) {
                last = seen;
                movedAt = now;
            }
            if (now - movedAt > stalledAfter.toNanos() || now - deadlineNanos > 0) {
                out.printf(Locale.ROOT, "  %s: stopped at %,d of %,d %s (%s)%n", who, seen, target, unit, stalledHint);
                return -1;
            }
            if (now - printedAt > PRINT_EVERY.toNanos()) {
                printedAt = now;
                out.printf(Locale.ROOT, "  %s: %,d of %,d %s%n", who, seen, target, unit);
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
