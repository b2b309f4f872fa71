package io.scstdrbd.drbd.meta;

import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The generation-UUID rules of DRBD 9 (drbd.md §10.1) applied to a superblock under
 * construction: new data generations, the history, "day 0".
 */
public final class UuidOps {
    private UuidOps() {
    }

    public static long masked(long uuid) {
        return uuid & ~Superblock.UUID_PRIMARY;
    }

    /** Sets the current UUID with bit 0 telling whether it was created while Primary. */
    public static void setCurrent(Superblock.Builder b, long uuid, boolean primary) {
        b.currentUuid(primary ? uuid | Superblock.UUID_PRIMARY : uuid & ~Superblock.UUID_PRIMARY);
    }

    /** A real (not just-created) current UUID without any history or bitmap UUIDs. */
    public static boolean isDay0(Superblock s) {
        long c = s.currentUuid();
        if (masked(c) == Superblock.UUID_JUST_CREATED || c == 0) {
            return false;
        }
        for (long h : s.historyUuids()) {
            if (h != 0) {
                return false;
            }
        }
        for (int i = 0; i < Superblock.MAX_PEERS; i++) {
            if (i != s.nodeId() && s.peer(i).bitmapUuid() != 0) {
                return false;
            }
        }
        return true;
    }

    /** Retires a UUID into the history (_drbd_uuid_push_history). */
    public static void pushHistory(Superblock.Builder b, long value) {
        Superblock s = b.build();
        if (value == Superblock.UUID_JUST_CREATED || value == 0) {
            return;
        }
        long val = masked(value);
        if (val == masked(s.currentUuid())) {
            return;
        }
        long[] h = s.historyUuids();
        if (h[0] == 0) {
            b.history(0, val);
            return;
        }
        for (int n = 0; n < Superblock.MAX_PEERS; n++) {
            if (n != s.nodeId() && val == masked(s.peer(n).bitmapUuid())) {
                return;
            }
        }
        for (long x : h) {
            if (x == val) {
                return;
            }
        }
        for (int i = h.length - 1; i > 0; i--) {
            h[i] = h[i - 1];
        }
        h[0] = val;
        b.history(h);
    }

    /**
     * Starts a new data generation (__new_current_uuid_prepare): the old current UUID becomes the
     * bitmap UUID of every peer that cannot follow (configured peers whose disk is unknown or
     * that are in {@code weak}, and nodes not configured at all) and has none yet; then a new
     * random current UUID is made, unless nothing rotated and the data is not at day 0.
     *
     * @param configuredPeers node id → true if that peer's disk is unknown to us (away)
     * @param weakNodes       node ids that must get a bitmap UUID even if connected (bit mask)
     * @return true if a new current UUID was made
     */
    public static boolean newCurrent(Superblock.Builder b, Map<Integer, Boolean> configuredPeers, long weakNodes,
            long dagtag, boolean primary, RandomGenerator rnd) {
        Superblock s = b.build();
        boolean day0 = isDay0(s);
        long prev = s.currentUuid() != Superblock.UUID_JUST_CREATED ? s.currentUuid() : rnd.nextLong();
        long gotNew = 0;
        long slotMask = 0;
        for (Map.Entry<Integer, Boolean> e : configuredPeers.entrySet()) {
            int node = e.getKey();
            PeerMd p = s.peer(node);
            if (p.bitmapIndex() != -1) {
                slotMask |= 1L << p.bitmapIndex();
            }
            if (p.bitmapUuid() != 0 && p.bitmapUuid() != prev) {
                continue;
            }
            if (e.getValue() || (weakNodes & (1L << node)) != 0) {
                b.peer(node, new PeerMd(prev, dagtag, p.flags(), p.bitmapIndex()));
                gotNew |= 1L << node;
            }
        }
        for (int node = 0; node < Superblock.MAX_PEERS; node++) {
            if (node == s.nodeId() || configuredPeers.containsKey(node)) {
                continue;
            }
            PeerMd p = s.peer(node);
            int slot = p.bitmapIndex();
            if (slot != -1) {
                if ((slotMask & (1L << slot)) != 0) {
                    continue;
                }
                slotMask |= 1L << slot;
            }
            if (p.bitmapUuid() != 0 && p.bitmapUuid() != prev) {
                continue;
            }
            if (slot == -1) {
                slot = Long.numberOfTrailingZeros(~slotMask);
                slotMask |= 1L << slot;
            }
            b.peer(node, new PeerMd(prev, dagtag, p.flags(), p.bitmapIndex()));
            if (slot < s.bmMaxPeers()) {
                gotNew |= 1L << node;
            }
        }
        if (gotNew == 0 && !day0) {
            return false;
        }
        long old = s.currentUuid();
        setCurrent(b, rnd.nextLong(), primary);
        if (day0) {
            pushHistory(b, old);
        }
        return true;
    }
}
