package io.scstdrbd.drbd.replication;

import java.util.ArrayDeque;

/**
 * The secondary's view of the primary's epochs: it counts the writes of each epoch, and once an
 * epoch is closed by P_BARRIER and all its writes are done, the epoch may be acknowledged
 * (after a flush of the backing device, with write-ordering flush). Epochs are acknowledged in order.
 *
 * <p>Not thread-safe: owned by the connection's executor.
 */
public final class ReceiverEpochs {
    /** One epoch of received writes. */
    public static final class Epoch {
        int writes;
        int pending;
        boolean closed;
        int barrier;
        boolean finishing;

        public int writes() {
            return writes;
        }

        public int barrier() {
            return barrier;
        }
    }

    private final ArrayDeque<Epoch> epochs = new ArrayDeque<>();

    public ReceiverEpochs() {
        epochs.add(new Epoch());
    }

    /** A write arrived; it belongs to the open epoch. */
    public Epoch writeReceived() {
        Epoch e = epochs.peekLast();
        e.writes++;
        e.pending++;
        return e;
    }

    /** A write of {@code e} finished (successfully or not). */
    public void writeDone(Epoch e) {
        e.pending--;
    }

    /** P_BARRIER closes the open epoch. Returns the closed epoch. */
    public Epoch barrier(int number) {
        Epoch e = epochs.peekLast();
        e.closed = true;
        e.barrier = number;
        epochs.add(new Epoch());
        return e;
    }

    /** The oldest epoch if it is closed, complete and not yet being finished; marks it finishing. */
    public Epoch nextToFinish() {
        Epoch e = epochs.peekFirst();
        if (e != null && e.closed && e.pending == 0 && !e.finishing) {
            e.finishing = true;
            return e;
        }
        return null;
    }

    /** The epoch returned by {@link #nextToFinish} has been acknowledged. */
    public void finished(Epoch e) {
        if (epochs.peekFirst() != e) {
            throw new IllegalStateException("epochs finished out of order");
        }
        epochs.pollFirst();
    }

    /** True while a closed epoch waits for its writes or its flush (later writes must wait with write ordering). */
    public boolean hasClosedUnfinished() {
        Epoch first = epochs.peekFirst();
        return first != null && first.closed;
    }

    /** Number of writes not yet done. */
    public int pendingWrites() {
        int n = 0;
        for (Epoch e : epochs) {
            n += e.pending;
        }
        return n;
    }
}
