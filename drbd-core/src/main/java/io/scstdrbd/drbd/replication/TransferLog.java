package io.scstdrbd.drbd.replication;

import io.scstdrbd.drbd.wire.ProtocolException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The primary's record of writes sent to one peer, grouped into epochs (drbd.md §9.2). A write
 * stays here until the barrier ack of its epoch says it is on the peer's stable storage; if the
 * connection is lost first, everything still here must be resynced.
 *
 * <p>Not thread-safe: owned by the connection's executor; only {@link #sectors} may be read from
 * any thread.
 */
public final class TransferLog {
    /** One replicated write. */
    public static final class Entry {
        public final long sector;
        public final int size;
        public final long blockId;
        public final int epoch;
        /** Resource-wide dagtag at the end of this write (DRBD 9 dialect). */
        public final long dagtag;
        public final Object owner;
        boolean acked;

        Entry(long sector, int size, long blockId, int epoch, long dagtag, Object owner) {
            this.sector = sector;
            this.size = size;
            this.blockId = blockId;
            this.epoch = epoch;
            this.dagtag = dagtag;
            this.owner = owner;
        }

        /** True once the per-write ack (protocol B or C) arrived. */
        public boolean acked() {
            return acked;
        }
    }

    private static final class Epoch {
        final int number;
        final List<Entry> writes = new ArrayList<>();

        Epoch(int number) {
            this.number = number;
        }
    }

    private final ArrayDeque<Epoch> closed = new ArrayDeque<>();
    private final Map<Long, Entry> byId = new HashMap<>();
    private Epoch current;
    private long nextBlockId = 0x1000_0000L;
    /** Sectors of all writes here (written by the owner, read by status readers). */
    private volatile long sectors;

    public TransferLog(int firstEpoch) {
        current = new Epoch(firstEpoch);
    }

    /** Records a write in the current epoch and gives it a block id. */
    public Entry add(long sector, int size, long dagtag, Object owner) {
        Entry e = new Entry(sector, size, nextBlockId++, current.number, dagtag, owner);
        current.writes.add(e);
        byId.put(e.blockId, e);
        sectors += size >>> 9;
        return e;
    }

    /** Writes in the epoch that is still open. */
    public int currentEpochWrites() {
        return current.writes.size();
    }

    public int currentEpoch() {
        return current.number;
    }

    /**
     * Closes the current epoch if it holds writes; returns its number (to send as P_BARRIER) or
     * null if there was nothing to close.
     */
    public Integer closeEpoch() {
        if (current.writes.isEmpty()) {
            return null;
        }
        Epoch e = current;
        closed.add(e);
        current = new Epoch(e.number + 1);
        return e.number;
    }

    public Entry byBlockId(long id) {
        return byId.get(id);
    }

    /** Marks a write acked (protocol B/C); returns it or null if unknown. */
    public Entry acked(long blockId) {
        Entry e = byId.get(blockId);
        if (e != null) {
            e.acked = true;
        }
        return e;
    }

    /**
     * Processes P_BARRIER_ACK: the oldest closed epoch must carry this number and this many writes.
     * Returns its writes, now stable on the peer.
     */
    public List<Entry> barrierAcked(int barrier, int setSize) throws ProtocolException {
        Epoch e = closed.peek();
        if (e == null || e.number != barrier) {
            throw new ProtocolException("barrier ack #" + Integer.toUnsignedString(barrier) + " for no open epoch"
                    + (e == null ? "" : " (expected #" + Integer.toUnsignedString(e.number) + ")"));
        }
        if (e.writes.size() != setSize) {
            throw new ProtocolException("barrier ack #" + Integer.toUnsignedString(barrier) + " says " + setSize
                    + " writes, the epoch had " + e.writes.size());
        }
        closed.poll();
        long done = 0;
        for (Entry w : e.writes) {
            byId.remove(w.blockId);
            done += w.size >>> 9;
        }
        sectors -= done;
        return e.writes;
    }

    /** Connection lost: every write not yet stable on the peer, oldest first; the log is empty afterwards. */
    public List<Entry> clear() {
        List<Entry> all = new ArrayList<>();
        for (Epoch e : closed) {
            all.addAll(e.writes);
        }
        all.addAll(current.writes);
        closed.clear();
        current = new Epoch(current.number + 1);
        byId.clear();
        sectors = 0;
        return all;
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    public int size() {
        return byId.size();
    }

    /** Sectors of the writes not yet stable on the peer (the kernel's ap_in_flight); any thread. */
    public long sectors() {
        return sectors;
    }
}
