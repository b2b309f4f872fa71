package io.scstdrbd.drbd.meta;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The activity log of one device (drbd_actlog.c semantics): a set of at most {@code nrSlots}
 * "hot" 4 MiB extents. A write may only reach the backing device once its extents are in the
 * set and that fact is on disk, so after a crash every block written since the last bitmap
 * write-out lies in an extent the on-disk log names ({@code drbdmeta apply-al} marks those
 * out of sync). Extents in use by writes stay; cold ones are evicted least-recently-used, and
 * an evicted extent's bitmap pages must reach the disk before the transaction that drops it.
 *
 * <p>Threading: thread-safe; {@link #begin} and {@link #complete} are cheap and may run on I/O
 * threads. Building and committing a transaction is done by one metadata writer at a time.
 */
public final class ActivityLog {
    public static final int EXTENT_SHIFT = 22;
    /** Sectors per extent. */
    public static final long EXTENT_SECTORS = 1L << (EXTENT_SHIFT - 9);

    private final int nrSlots;
    private final int ringBlocks;
    private final int stripes;
    private final int stripeSize4k;
    private final int[] slotExtent;
    private final int[] refs;
    private final long[] lastUse;
    private final Map<Integer, Integer> slotOf = new HashMap<>();
    private final Map<Integer, Integer> pending = new HashMap<>();
    private long clock;
    private int trNumber;
    private int trCycle;

    public ActivityLog(int nrSlots, int stripes, int stripeSize4k) {
        this.nrSlots = nrSlots;
        this.stripes = stripes;
        this.stripeSize4k = stripeSize4k;
        this.ringBlocks = stripes * stripeSize4k;
        this.slotExtent = new int[nrSlots];
        this.refs = new int[nrSlots];
        this.lastUse = new long[nrSlots];
        java.util.Arrays.fill(slotExtent, AlTransaction.FREE);
    }

    /** al-extents below this are raised to it (DRBD_AL_EXTENTS_MIN). */
    public static final int MIN_SLOTS = 67;
    /** Slot numbers are 16 bits and 0xffff marks a free one (DRBD_AL_EXTENTS_MAX). */
    public static final int MAX_SLOTS = 0xfffe;

    /**
     * The al-extents an on-disk ring of {@code ringBlocks} 4 KiB transactions can describe: each
     * transaction carries 919 slots of context and the one being written may be lost, so
     * (ringBlocks - 1) x 919, at most {@link #MAX_SLOTS} (the kernel's drbd_al_extents_max).
     */
    public static int maxSlots(int ringBlocks) {
        int enough = (MAX_SLOTS + AlTransaction.CONTEXT - 1) / AlTransaction.CONTEXT;
        return ringBlocks > enough ? MAX_SLOTS : (ringBlocks - 1) * AlTransaction.CONTEXT;
    }

    /** al-extents as the kernel takes it: raised to the minimum, cut to what the ring holds. */
    public static int sanitizeSlots(long wanted, int ringBlocks) {
        return (int) Math.min(Math.max(wanted, MIN_SLOTS), maxSlots(ringBlocks));
    }

    public static int extentOf(long sector) {
        return (int) (sector >>> (EXTENT_SHIFT - 9));
    }

    public int nrSlots() {
        return nrSlots;
    }

    /**
     * Takes a reference on the extents of a write if all are hot already (the fast path).
     *
     * @return true if the write may go ahead without a transaction
     */
    public synchronized boolean tryBegin(int firstExtent, int lastExtent) {
        for (int e = firstExtent; e <= lastExtent; e++) {
            if (!slotOf.containsKey(e)) {
                return false;
            }
        }
        for (int e = firstExtent; e <= lastExtent; e++) {
            int s = slotOf.get(e);
            refs[s]++;
            lastUse[s] = ++clock;
        }
        return true;
    }

    /** One slot change of a pending transaction. */
    public record Change(int slot, int oldExtent, int newExtent) {
    }

    /**
     * Plans the changes that make extents [first, last] hot and takes the references.
     * Returns the changes for the caller to commit with {@link #transaction} (possibly empty when
     * another writer made them hot meanwhile), or null if no slot is free (every slot in use):
     * the caller retries after a {@link #complete}.
     */
    public synchronized List<Change> plan(int firstExtent, int lastExtent) {
        List<Change> changes = new ArrayList<>();
        Map<Integer, Integer> chosen = new HashMap<>();
        for (int e = firstExtent; e <= lastExtent; e++) {
            if (slotOf.containsKey(e)) {
                continue;
            }
            int victim = -1;
            for (int s = 0; s < nrSlots; s++) {
                if (refs[s] != 0 || chosen.containsValue(s) || pending.containsKey(s)
                        || (slotExtent[s] >= firstExtent && slotExtent[s] <= lastExtent)) {
                    continue;
                }
                if (slotExtent[s] == AlTransaction.FREE) {
                    victim = s;
                    break;
                }
                if (victim < 0 || lastUse[s] < lastUse[victim]) {
                    victim = s;
                }
            }
            if (victim < 0) {
                return null;
            }
            chosen.put(e, victim);
            changes.add(new Change(victim, slotExtent[victim], e));
        }
        for (Change c : changes) {
            pending.put(c.slot, c.newExtent);
            refs[c.slot]++;
            // an extent being evicted is cold from now on: a new write to it takes the slow path
            // and so cannot slip in between the bitmap write-out and the transaction
            if (c.oldExtent != AlTransaction.FREE) {
                slotOf.remove(c.oldExtent);
            }
        }
        for (int e = firstExtent; e <= lastExtent; e++) {
            Integer s = slotOf.get(e);
            if (s != null) {
                refs[s]++;
                lastUse[s] = ++clock;
            }
        }
        return changes;
    }

    /** The on-disk transaction for {@code changes}: updates plus the next slice of context. */
    public synchronized AlTransaction transaction(List<Change> changes) {
        int[] us = new int[AlTransaction.UPDATES];
        int[] ue = new int[AlTransaction.UPDATES];
        java.util.Arrays.fill(us, 0xffff);
        java.util.Arrays.fill(ue, AlTransaction.FREE);
        int n = Math.min(changes.size(), AlTransaction.UPDATES);
        for (int i = 0; i < n; i++) {
            us[i] = changes.get(i).slot;
            ue[i] = changes.get(i).newExtent;
        }
        int[] ctx = new int[AlTransaction.CONTEXT];
        int mx = Math.min(AlTransaction.CONTEXT, nrSlots - trCycle);
        for (int i = 0; i < AlTransaction.CONTEXT; i++) {
            ctx[i] = i < mx ? slotExtent[trCycle + i] : AlTransaction.FREE;
        }
        return new AlTransaction(trNumber, AlTransaction.TYPE_UPDATE, n, nrSlots, trCycle, us, ue, ctx);
    }

    /** Byte offset inside the AL area where transaction {@code tr} goes (striped ring). */
    public long ringOffset(int tr) {
        long t = Integer.toUnsignedLong(tr) % ringBlocks;
        t = (t % stripes) * stripeSize4k + t / stripes;
        return t * 4096;
    }

    /** Records that the transaction built by {@link #transaction} is on disk: the changes take effect. */
    public synchronized void committed(List<Change> changes) {
        for (Change c : changes) {
            slotExtent[c.slot] = c.newExtent;
            slotOf.put(c.newExtent, c.slot);
            pending.remove(c.slot);
            lastUse[c.slot] = ++clock;
        }
        trNumber++;
        trCycle += AlTransaction.CONTEXT;
        if (trCycle >= nrSlots) {
            trCycle = 0;
        }
        notifyAll();
    }

    /** Gives up a planned transaction that could not be written (drops its references). */
    public synchronized void abandon(List<Change> changes, int firstExtent, int lastExtent) {
        for (Change c : changes) {
            pending.remove(c.slot);
            refs[c.slot]--;
            if (c.oldExtent != AlTransaction.FREE) {
                slotOf.put(c.oldExtent, c.slot);
            }
        }
        for (int e = firstExtent; e <= lastExtent; e++) {
            Integer s = slotOf.get(e);
            if (s != null && !changesContainSlot(changes, s)) {
                refs[s]--;
            }
        }
        notifyAll();
    }

    private static boolean changesContainSlot(List<Change> changes, int s) {
        for (Change c : changes) {
            if (c.slot == s) {
                return true;
            }
        }
        return false;
    }

    /** Drops a write's references on its extents. */
    public synchronized void complete(int firstExtent, int lastExtent) {
        for (int e = firstExtent; e <= lastExtent; e++) {
            Integer s = slotOf.get(e);
            if (s != null && refs[s] > 0) {
                refs[s]--;
            }
        }
        notifyAll();
    }

    /** Waits until some reference is dropped (for a writer that found no free slot). */
    public synchronized void awaitRelease(long millis) throws InterruptedException {
        wait(millis);
    }

    /** The hot extents (for tests and status). */
    public synchronized List<Integer> activeExtents() {
        List<Integer> l = new ArrayList<>(slotOf.keySet());
        java.util.Collections.sort(l);
        return l;
    }

    /** Number of writes currently holding extents. */
    public synchronized int inUse() {
        int n = 0;
        for (int r : refs) {
            n += r;
        }
        return n;
    }

    public synchronized int trNumber() {
        return trNumber;
    }
}
