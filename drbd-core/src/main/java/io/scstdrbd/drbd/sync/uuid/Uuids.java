package io.scstdrbd.drbd.sync.uuid;

import java.util.List;
import java.util.Map;

/**
 * One node's generation UUIDs as seen in a sync handshake: current UUID, the bitmap UUIDs it keeps
 * per peer node id, its history (newest first), its UUID flags and its number of dirty bits
 * toward the other side of the handshake.
 */
public record Uuids(long current, Map<Integer, Long> bitmaps, List<Long> history, long flags, long dirtyBits) {
    /** Bit 0 marks a UUID created while Primary; comparisons ignore it. */
    public static final long PRIMARY_BIT = 1;

    public Uuids {
        bitmaps = Map.copyOf(bitmaps);
        history = List.copyOf(history);
    }

    /** The bitmap UUID kept for {@code nodeId}, 0 if none. */
    public long bitmapFor(int nodeId) {
        Long v = bitmaps.get(nodeId);
        return v == null ? 0 : v;
    }

    public long history(int i) {
        return i < history.size() ? history.get(i) : 0;
    }

    public boolean hasFlag(long flag) {
        return (flags & flag) != 0;
    }

    /** A UUID with the Primary bit cleared; 0 counts as "just created". */
    public static long masked(long uuid) {
        long m = uuid & ~PRIMARY_BIT;
        return m == 0 ? io.scstdrbd.drbd.wire.WireConstants.UUID_JUST_CREATED : m;
    }

    /** Masked, but 0 stays 0 (for bitmap and history slots, where 0 means "empty"). */
    public static long maskedSlot(long uuid) {
        return uuid & ~PRIMARY_BIT;
    }
}
