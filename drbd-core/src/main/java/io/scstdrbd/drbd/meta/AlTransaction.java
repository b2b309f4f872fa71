package io.scstdrbd.drbd.meta;

import java.util.Arrays;

/**
 * {@code struct al_transaction_on_disk} (drbd.md §11.3): one 4 KiB activity-log block. Slots
 * changed by the transaction are in {@code updateSlots}/{@code updateExtents} (first
 * {@code nUpdates} used); {@code context} lists the extents of slots
 * [contextStartSlot, contextStartSlot + 919) as they were, so a reader rebuilds the whole active
 * set from the last few transactions. {@link #FREE} marks an empty slot.
 */
public record AlTransaction(int trNumber, int type, int nUpdates, int contextSize, int contextStartSlot,
        int[] updateSlots, int[] updateExtents, int[] context) {
    public static final int MAGIC = 0x69cb65a2;
    public static final int TYPE_UPDATE = 0;
    public static final int TYPE_INITIALIZED = 0xffff;
    public static final int UPDATES = 64;
    public static final int CONTEXT = 919;
    /** LC_FREE: no extent. */
    public static final int FREE = -1;

    public AlTransaction {
        if (updateSlots.length != UPDATES || updateExtents.length != UPDATES || context.length != CONTEXT) {
            throw new IllegalArgumentException("64 updates and 919 context entries expected");
        }
        updateSlots = updateSlots.clone();
        updateExtents = updateExtents.clone();
        context = context.clone();
    }

    /** The block drbdmeta writes when it initialises the AL (type 0xffff, everything free). */
    public static AlTransaction initialized() {
        int[] slots = new int[UPDATES];
        int[] ext = new int[UPDATES];
        int[] ctx = new int[CONTEXT];
        return new AlTransaction(0, TYPE_INITIALIZED, 0, 0, 0, slots, ext, ctx);
    }

    @Override
    public int[] updateSlots() {
        return updateSlots.clone();
    }

    @Override
    public int[] updateExtents() {
        return updateExtents.clone();
    }

    @Override
    public int[] context() {
        return context.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AlTransaction t && t.trNumber == trNumber && t.type == type && t.nUpdates == nUpdates
                && t.contextSize == contextSize && t.contextStartSlot == contextStartSlot
                && Arrays.equals(t.updateSlots, updateSlots) && Arrays.equals(t.updateExtents, updateExtents)
                && Arrays.equals(t.context, context);
    }

    @Override
    public int hashCode() {
        return trNumber * 31 + Arrays.hashCode(context);
    }
}
