package io.scstdrbd.fuse.block;

import java.util.ArrayList;
import java.util.List;

/**
 * Asynchronous byte-range lock for the writes of one open block node. A read-modify-write holds
 * its covering blocks exclusively; plain writes (and discards) hold their range shared, so they
 * run in parallel with each other but never overlap a read-modify-write. That makes RMW atomic
 * with respect to every concurrent write touching the same blocks.
 *
 * <p>Waiting never blocks a thread: a request that conflicts is queued and its {@link Grant}
 * runs later on the thread that releases the conflicting range. Requests are granted in arrival
 * order among those that overlap (no overtaking, no starvation). Thread-safe.
 */
public final class RangeLock {

    /** Called once the range is held; must eventually lead to {@link #release}. */
    @FunctionalInterface
    public interface Grant {
        void granted(Range range);
    }

    /** A held or waiting range [start, end). */
    public static final class Range {
        final long start;
        final long end;
        final boolean exclusive;
        final Grant grant;

        Range(long start, long end, boolean exclusive, Grant grant) {
            this.start = start;
            this.end = end;
            this.exclusive = exclusive;
            this.grant = grant;
        }

        boolean conflicts(Range o) {
            return (exclusive || o.exclusive) && start < o.end && o.start < end;
        }

        @Override
        public String toString() {
            return "[" + start + "," + end + (exclusive ? ") exclusive" : ")");
        }
    }

    private final List<Range> held = new ArrayList<>();
    private final List<Range> waiting = new ArrayList<>();

    /**
     * Requests [start, end). If nothing conflicts the grant runs now, on the calling thread,
     * before this returns; otherwise later, on a releasing thread.
     */
    public void acquire(long start, long end, boolean exclusive, Grant grant) {
        Range r = new Range(start, end, exclusive, grant);
        boolean now;
        synchronized (this) {
            now = !conflictsWith(held, r, held.size()) && !conflictsWith(waiting, r, waiting.size());
            if (now) {
                held.add(r);
            } else {
                waiting.add(r);
            }
        }
        if (now) {
            grant.granted(r);
        }
    }

    /** Lets go of a held range and starts the waiters it was blocking. */
    public void release(Range r) {
        List<Range> start = null;
        synchronized (this) {
            if (!held.remove(r)) {
                throw new IllegalStateException("range " + r + " is not held");
            }
            for (int i = 0; i < waiting.size(); i++) {
                Range w = waiting.get(i);
                if (!conflictsWith(held, w, held.size()) && !conflictsWith(waiting, w, i)) {
                    waiting.remove(i--);
                    held.add(w);
                    if (start == null) {
                        start = new ArrayList<>(2);
                    }
                    start.add(w);
                }
            }
        }
        if (start != null) {
            for (Range w : start) {
                w.grant.granted(w);
            }
        }
    }

    private static boolean conflictsWith(List<Range> l, Range r, int upTo) {
        for (int i = 0; i < upTo; i++) {
            if (l.get(i).conflicts(r)) {
                return true;
            }
        }
        return false;
    }

    /** Held plus waiting ranges (diagnostics and tests). */
    public synchronized int size() {
        return held.size() + waiting.size();
    }

    public synchronized int waitingCount() {
        return waiting.size();
    }
}
