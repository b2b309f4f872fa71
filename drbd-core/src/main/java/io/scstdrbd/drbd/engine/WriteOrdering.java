package io.scstdrbd.drbd.engine;

/** How a secondary keeps the primary's epochs in order on its backing device (disk options). */
public enum WriteOrdering {
    /** No ordering: epochs are acknowledged when their writes are done. */
    NONE("none"),
    /** Later writes wait until the epoch's writes are done (disk-drain). */
    DRAIN("drain"),
    /** As drain, plus a flush of the backing device before the barrier ack (disk-flushes). */
    FLUSH("flush");

    private final String displayName;

    WriteOrdering(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /** From the disk options: flushes win over drain; barriers are not supported by the backends. */
    public static WriteOrdering of(boolean diskFlushes, boolean diskDrain) {
        return diskFlushes ? FLUSH : diskDrain ? DRAIN : NONE;
    }
}
