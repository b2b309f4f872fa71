package io.scstdrbd.drbd.model;

/**
 * enum drbd_repl_state of a peer device. Off while not connected; Established when connected
 * without resync; the sync states while a resync runs. Transitions (as the kernel's
 * __is_valid_soft_transition): sync and verify states need a connection (from Established or
 * beyond), a running resync cannot restart at WFBitMap, everything may fall back to Off when
 * the connection goes away.
 */
public enum ReplicationState {
    OFF(9, "Off"),
    ESTABLISHED(10, "Established"),
    STARTING_SYNC_S(11, "StartingSyncS"),
    STARTING_SYNC_T(12, "StartingSyncT"),
    WF_BITMAP_S(13, "WFBitMapS"),
    WF_BITMAP_T(14, "WFBitMapT"),
    WF_SYNC_UUID(15, "WFSyncUUID"),
    SYNC_SOURCE(16, "SyncSource"),
    SYNC_TARGET(17, "SyncTarget"),
    VERIFY_S(18, "VerifyS"),
    VERIFY_T(19, "VerifyT"),
    PAUSED_SYNC_S(20, "PausedSyncS"),
    PAUSED_SYNC_T(21, "PausedSyncT"),
    AHEAD(22, "Ahead"),
    BEHIND(23, "Behind");

    private final int code;
    private final String text;

    ReplicationState(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }

    public boolean isSyncSource() {
        return this == SYNC_SOURCE || this == PAUSED_SYNC_S;
    }

    public boolean isSyncTarget() {
        return this == SYNC_TARGET || this == PAUSED_SYNC_T;
    }

    public boolean isResync() {
        return code >= SYNC_SOURCE.code && code <= PAUSED_SYNC_T.code && this != VERIFY_S && this != VERIFY_T;
    }

    public boolean isVerify() {
        return this == VERIFY_S || this == VERIFY_T;
    }

    /** The state-change result of this transition on its own (the connection-independent rules). */
    public StateResult checkTransition(ReplicationState next) {
        if (next == this || next == OFF) {
            return StateResult.SUCCESS;
        }
        if ((next == STARTING_SYNC_S || next == STARTING_SYNC_T || next.isVerify()) && code < ESTABLISHED.code) {
            return StateResult.NEED_CONNECTION;
        }
        if ((next == SYNC_SOURCE || next == SYNC_TARGET) && code < OFF.code) {
            return StateResult.NEED_CONNECTION;
        }
        if (isSyncSource() && next == WF_BITMAP_S || isSyncTarget() && next == WF_BITMAP_T) {
            return StateResult.RESYNC_RUNNING;
        }
        if ((next == STARTING_SYNC_S || next == STARTING_SYNC_T) && code > ESTABLISHED.code) {
            return StateResult.RESYNC_RUNNING;
        }
        if (next.isVerify() && code > ESTABLISHED.code) {
            return StateResult.RESYNC_RUNNING;
        }
        return StateResult.SUCCESS;
    }

    public boolean mayChangeTo(ReplicationState next) {
        return checkTransition(next).ok();
    }

    public static ReplicationState of(int code) {
        for (ReplicationState r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("replication state " + code);
    }
}
