package io.scstdrbd.drbd.sync.uuid;

/** Outcomes of the UUID comparison (drbd.md §10.2). */
public enum SyncStrategy {
    NO_SYNC(0),
    SYNC_SOURCE_USE_BITMAP(1),
    SYNC_SOURCE_SET_BITMAP(2),
    SYNC_SOURCE_COPY_BITMAP(1),
    SYNC_SOURCE_IF_BOTH_FAILED(1),
    SYNC_TARGET_USE_BITMAP(-1),
    SYNC_TARGET_SET_BITMAP(-2),
    SYNC_TARGET_CLEAR_BITMAP(-1),
    SYNC_TARGET_IF_BOTH_FAILED(-1),
    SPLIT_BRAIN_AUTO_RECOVER(100),
    SPLIT_BRAIN_DISCONNECT(-100),
    UNRELATED_DATA(-1000),
    RETRY_CONNECT(0);

    private final int weight;

    SyncStrategy(int weight) {
        this.weight = weight;
    }

    public boolean isSource() {
        return weight > 0 && weight < 100;
    }

    public boolean isTarget() {
        return weight < 0 && weight > -100;
    }

    /** Full sync: every bit is set before the bitmap exchange. */
    public boolean isFullSync() {
        return this == SYNC_SOURCE_SET_BITMAP || this == SYNC_TARGET_SET_BITMAP;
    }

    public boolean isSplitBrain() {
        return this == SPLIT_BRAIN_AUTO_RECOVER || this == SPLIT_BRAIN_DISCONNECT;
    }

    /** The strategy of the same weight and full/partial kind for the other direction. */
    public static SyncStrategy direction(boolean source, boolean full) {
        if (source) {
            return full ? SYNC_SOURCE_SET_BITMAP : SYNC_SOURCE_USE_BITMAP;
        }
        return full ? SYNC_TARGET_SET_BITMAP : SYNC_TARGET_USE_BITMAP;
    }
}
