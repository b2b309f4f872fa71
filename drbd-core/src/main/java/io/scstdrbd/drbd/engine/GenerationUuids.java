package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.sync.uuid.UuidFixup;
import io.scstdrbd.drbd.sync.uuid.Uuids;
import io.scstdrbd.drbd.wire.WireConstants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A volume's generation UUIDs (drbd.md §10.1): the current UUID, one bitmap UUID per peer node
 * and up to {@link #HISTORY} history UUIDs, newest first, with the update rules. The owner
 * persists them; this class only keeps them consistent. Thread-safe.
 */
public final class GenerationUuids {
    public static final int HISTORY = 32;

    private long current;
    private final Map<Integer, Long> bitmaps = new HashMap<>();
    private final LinkedList<Long> history = new LinkedList<>();

    public GenerationUuids(long current) {
        this.current = current;
    }

    /** An independent copy. */
    public synchronized GenerationUuids copy() {
        GenerationUuids g = new GenerationUuids(current);
        g.bitmaps.putAll(bitmaps);
        g.history.addAll(history);
        return g;
    }

    public synchronized long current() {
        return current;
    }

    public synchronized void setCurrent(long uuid) {
        current = uuid;
    }

    public synchronized long bitmap(int peer) {
        Long v = bitmaps.get(peer);
        return v == null ? 0 : v;
    }

    public synchronized void setBitmap(int peer, long uuid) {
        if (uuid == 0) {
            bitmaps.remove(peer);
        } else {
            bitmaps.put(peer, uuid);
        }
    }

    public synchronized Map<Integer, Long> bitmaps() {
        return new HashMap<>(bitmaps);
    }

    public synchronized List<Long> history() {
        return new ArrayList<>(history);
    }

    public synchronized void setHistory(List<Long> h) {
        history.clear();
        for (Long u : h) {
            if (u != null && u != 0 && history.size() < HISTORY) {
                history.add(u);
            }
        }
    }

    /** Retires a UUID into the history (skips 0, just-created, the current UUID, bitmap UUIDs and duplicates). */
    public synchronized void pushHistory(long uuid) {
        long m = Uuids.maskedSlot(uuid);
        if (m == 0 || m == WireConstants.UUID_JUST_CREATED || m == Uuids.maskedSlot(current)) {
            return;
        }
        for (long b : bitmaps.values()) {
            if (Uuids.maskedSlot(b) == m) {
                return;
            }
        }
        for (long h : history) {
            if (Uuids.maskedSlot(h) == m) {
                return;
            }
        }
        history.addFirst(uuid);
        while (history.size() > HISTORY) {
            history.removeLast();
        }
    }

    /**
     * A new data generation: for every listed peer whose bitmap UUID is 0 the old current UUID
     * (a random one if it was just created) becomes its bitmap UUID; then a new random current UUID,
     * with bit 0 set when Primary.
     */
    public synchronized void newCurrent(boolean primary, List<Integer> rotateFor, Random random) {
        long old = current;
        if (Uuids.masked(old) == WireConstants.UUID_JUST_CREATED) {
            old = randomUuid(random, false);
        }
        for (int peer : rotateFor) {
            if (bitmap(peer) == 0) {
                bitmaps.put(peer, old);
            }
        }
        if (!bitmaps.containsValue(old)) {
            pushHistory(old);
        }
        current = randomUuid(random, primary);
    }

    /** Sets or clears the Primary bit of the current UUID. */
    public synchronized void markPrimary(boolean primary) {
        current = primary ? current | 1 : current & ~1L;
    }

    /** The start of a resync as source in the 8.4 dialect: bitmap UUID + 2^48 (random if 0 or just created). */
    public synchronized long newSyncUuid(int peer, Random random) {
        long bm = bitmap(peer);
        long m = Uuids.maskedSlot(bm);
        long next = m == 0 || m == WireConstants.UUID_JUST_CREATED ? randomUuid(random, false)
                : bm + WireConstants.UUID_NEW_BM_OFFSET;
        if (bm != 0) {
            pushHistoryUnchecked(bm);
        }
        bitmaps.put(peer, next);
        return next;
    }

    private void pushHistoryUnchecked(long uuid) {
        history.addFirst(uuid);
        while (history.size() > HISTORY) {
            history.removeLast();
        }
    }

    /** End of a resync as source: the bitmap UUID for the target retires into the history. */
    public synchronized void resyncFinishedAsSource(int peer) {
        long bm = bitmap(peer);
        bitmaps.remove(peer);
        if (bm != 0) {
            pushHistory(bm);
        }
    }

    /**
     * End of a resync as target: adopt the source's current UUID; the source's bitmap UUID for
     * this node and its history follow, and my old current UUID retires.
     */
    public synchronized void resyncFinishedAsTarget(int peer, long sourceCurrent, long sourceBitmapForMe,
            List<Long> sourceHistory) {
        long old = current;
        current = sourceCurrent;
        bitmaps.remove(peer);
        for (int i = sourceHistory.size() - 1; i >= 0; i--) {
            pushHistory(sourceHistory.get(i));
        }
        pushHistory(sourceBitmapForMe);
        pushHistory(old);
    }

    /** Applies the 8.4 fix-ups that concern this node's own UUIDs. */
    public synchronized void apply(UuidFixup fix, int peer) {
        switch (fix) {
            case MY_BITMAP_TO_HISTORY: {
                long bm = bitmap(peer);
                bitmaps.remove(peer);
                pushHistoryUnchecked(bm);
                break;
            }
            case UNDO_MY_SYNC_START: {
                if (!history.isEmpty()) {
                    bitmaps.put(peer, history.removeFirst());
                }
                break;
            }
            default:
                break;
        }
    }

    /** A snapshot in the form the comparison takes. */
    public synchronized Uuids snapshot(long flags, long dirtyBits) {
        return new Uuids(current, bitmaps, history, flags, dirtyBits);
    }

    static long randomUuid(Random random, boolean primary) {
        long v;
        do {
            v = random.nextLong();
        } while (Uuids.maskedSlot(v) == 0 || Uuids.maskedSlot(v) == WireConstants.UUID_JUST_CREATED);
        return primary ? v | 1 : v & ~1L;
    }

    @Override
    public synchronized String toString() {
        StringBuilder sb = new StringBuilder(String.format("%016X", current));
        for (var e : bitmaps.entrySet()) {
            sb.append(String.format(" bm[%d]=%016X", e.getKey(), e.getValue()));
        }
        for (int i = 0; i < Math.min(2, history.size()); i++) {
            sb.append(String.format(" h%d=%016X", i, history.get(i)));
        }
        return sb.toString();
    }
}
