package io.scstdrbd.drbd.state;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code enum drbd_repl_state}: the replication state of a peer device. Off while not connected,
 * Established when connected without resync, the sync and verify states while one runs. Codes 9..23
 * are those of the {@code conn} field of {@code union drbd_state} (the 8.4 {@code drbd_conns} share
 * them from 10 on; its 9 = WFReportParams is sent while the connection is still being set up).
 *
 * <p>Two sets of transition rules, kept apart on purpose: {@link #checkTransition} is the kernel's
 * admin-visible rule the control-plane model applies to voluntary state changes (it answers with the
 * {@link StateResult} drbdsetup reports); {@link #engineAllows} guards the replication engine's own
 * steps through the handshake and resync, so an impossible step is a bug found in tests.
 */
public enum ReplState {
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
    private final String displayName;

    ReplState(int code, String displayName) {
        this.code = code;
        this.displayName = displayName;
    }

    public int code() {
        return code;
    }

    /** The name drbdsetup prints ({@code SyncSource}). */
    public String displayName() {
        return displayName;
    }

    /** Decodes a {@code conn} field value ≥ 9; smaller values are connection states, not replication states. */
    public static ReplState of(int code) {
        for (ReplState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("replication state " + code);
    }

    public boolean isSyncSource() {
        return this == SYNC_SOURCE || this == PAUSED_SYNC_S;
    }

    public boolean isSyncTarget() {
        return this == SYNC_TARGET || this == PAUSED_SYNC_T;
    }

    /** A resync runs or is paused (verify excluded). */
    public boolean isResyncing() {
        return isSyncSource() || isSyncTarget();
    }

    public boolean isVerify() {
        return this == VERIFY_S || this == VERIFY_T;
    }

    /** States in which application writes are replicated with P_DATA. */
    public boolean replicatesWrites() {
        return this == ESTABLISHED || isResyncing() || isVerify();
    }

    /** States between the sync decision and the start of the resync: writes are only marked out of sync. */
    public boolean isPreparingSync() {
        return this == STARTING_SYNC_S || this == STARTING_SYNC_T || this == WF_BITMAP_S || this == WF_BITMAP_T
                || this == WF_SYNC_UUID;
    }

    /**
     * The model's rule (the kernel's __is_valid_soft_transition, connection-independent part): the
     * state-change result of this transition on its own. Sync and verify states need a connection
     * (from Established or beyond), a running resync cannot restart at WFBitMap, everything may fall
     * back to Off when the connection goes away. Checked by the model's StateRules.soft on every
     * voluntary (not forced) change, whether drbdsetup or the engine asks for it.
     */
    public StateResult checkTransition(ReplState next) {
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

    /**
     * This state with the resync suspended or not (pause-sync, the peer's pause, a resync-after
     * dependency): SyncSource and SyncTarget and their Paused forms swap; any other state stays.
     */
    public ReplState withResyncSuspended(boolean suspended) {
        if (suspended) {
            return this == SYNC_SOURCE ? PAUSED_SYNC_S : this == SYNC_TARGET ? PAUSED_SYNC_T : this;
        }
        return this == PAUSED_SYNC_S ? SYNC_SOURCE : this == PAUSED_SYNC_T ? SYNC_TARGET : this;
    }

    /**
     * The replication engine's guard on its own steps (PeerDevice checks every change with it): the
     * explicit successor sets of the handshake, resync and verify flows; Off is reachable from
     * anywhere (the connection went away). It differs from {@link #checkTransition} both ways: it
     * refuses Off → SyncSource (the engine reaches SyncSource only through the handshake's or a
     * resync's own steps), which the model accepts, and allows SyncSource → WFBitMapS, which the
     * model refuses with RESYNC_RUNNING.
     */
    public boolean engineAllows(ReplState next) {
        return next == this || next == OFF || engineSuccessors().contains(next);
    }

    private Set<ReplState> engineSuccessors() {
        switch (this) {
            case OFF:
                return EnumSet.of(ESTABLISHED, WF_BITMAP_S, WF_BITMAP_T, STARTING_SYNC_S, STARTING_SYNC_T);
            case ESTABLISHED: // straight to a resync (or WFSyncUUID): the new part after an online grow
                return EnumSet.of(WF_BITMAP_S, WF_BITMAP_T, STARTING_SYNC_S, STARTING_SYNC_T, VERIFY_S, VERIFY_T,
                        AHEAD, BEHIND, SYNC_SOURCE, PAUSED_SYNC_S, SYNC_TARGET, PAUSED_SYNC_T, WF_SYNC_UUID);
            case STARTING_SYNC_S: // a full resync (invalidate) starts without a bitmap exchange
                return EnumSet.of(WF_BITMAP_S, SYNC_SOURCE, PAUSED_SYNC_S, ESTABLISHED);
            case STARTING_SYNC_T:
                return EnumSet.of(WF_BITMAP_T, WF_SYNC_UUID, SYNC_TARGET, PAUSED_SYNC_T, ESTABLISHED);
            case WF_BITMAP_S:
                return EnumSet.of(SYNC_SOURCE, PAUSED_SYNC_S, ESTABLISHED);
            case WF_BITMAP_T:
                return EnumSet.of(WF_SYNC_UUID, SYNC_TARGET, PAUSED_SYNC_T, ESTABLISHED);
            case WF_SYNC_UUID:
                return EnumSet.of(SYNC_TARGET, PAUSED_SYNC_T, ESTABLISHED);
            case SYNC_SOURCE:
                return EnumSet.of(PAUSED_SYNC_S, ESTABLISHED, WF_BITMAP_S, WF_BITMAP_T);
            case PAUSED_SYNC_S:
                return EnumSet.of(SYNC_SOURCE, ESTABLISHED, WF_BITMAP_S, WF_BITMAP_T);
            case SYNC_TARGET:
                return EnumSet.of(PAUSED_SYNC_T, ESTABLISHED, WF_BITMAP_S, WF_BITMAP_T);
            case PAUSED_SYNC_T:
                return EnumSet.of(SYNC_TARGET, ESTABLISHED, WF_BITMAP_S, WF_BITMAP_T);
            case VERIFY_S:
            case VERIFY_T:
                return EnumSet.of(ESTABLISHED);
            case AHEAD:
                return EnumSet.of(ESTABLISHED, WF_BITMAP_S);
            case BEHIND:
                return EnumSet.of(ESTABLISHED, WF_BITMAP_T);
            default:
                return EnumSet.noneOf(ReplState.class);
        }
    }
}
