package io.scstdrbd.drbd.replication;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Orders overlapping I/O on one volume: an operation on a sector range runs only when every
 * earlier operation on an overlapping range has finished. Application writes, resync reads on a
 * sync source and writes received from the peer all take a range, so a later write can never be
 * overtaken by an earlier one and a resync read never races a write to the same blocks.
 *
 * <p>Threading: thread-safe; grants run the waiter's callback on the thread that released the
 * blocking range (or on the caller's thread when granted at once), outside the lock.
 */
public final class RangeLock {
    /** A held or requested range; release it exactly once after it was granted. */
    public final class Range {
        final long start;
        final long end;
        final Consumer<Range> onGrant;
        boolean granted;
        boolean released;

        Range(long start, long end, Consumer<Range> onGrant) {
            this.start = start;
            this.end = end;
            this.onGrant = onGrant;
        }

        public void release() {
            RangeLock.this.release(this);
        }

        boolean overlaps(Range o) {
            return start < o.end && o.start < end;
        }
    }

    private final LinkedList<Range> ranges = new LinkedList<>();

    /**
     * Requests sectors [sector, sector + sectors); {@code onGrant} gets the range once it is free
     * (possibly before this method returns).
     */
    public Range acquire(long sector, long sectors, Consumer<Range> onGrant) {
        Range r = new Range(sector, sector + Math.max(1, sectors), onGrant);
        boolean now;
        synchronized (this) {
            now = true;
            for (Range o : ranges) {
                if (o.overlaps(r)) {
                    now = false;
                    break;
                }
            }
            r.granted = now;
            ranges.add(r);
        }
        if (now) {
            onGrant.accept(r);
        }
        return r;
    }

    private void release(Range r) {
        List<Range> grant = new ArrayList<>();
        synchronized (this) {
            if (r.released || !r.granted) {
                throw new IllegalStateException("range released twice or before it was granted");
            }
            r.released = true;
            ranges.remove(r);
            // grant waiters whose range no earlier entry overlaps, in order
            List<Range> before = new ArrayList<>();
            for (Iterator<Range> it = ranges.iterator(); it.hasNext();) {
                Range w = it.next();
                if (!w.granted && w.overlaps(r)) {
                    boolean blocked = false;
                    for (Range b : before) {
                        if (b.overlaps(w)) {
                            blocked = true;
                            break;
                        }
                    }
                    if (!blocked) {
                        w.granted = true;
                        grant.add(w);
                    }
                }
                before.add(w);
            }
        }
        for (Range g : grant) {
            g.onGrant.accept(g);
        }
    }

    /** Number of held or waiting ranges (for tests and statistics). */
    public synchronized int size() {
        return ranges.size();
    }
}
