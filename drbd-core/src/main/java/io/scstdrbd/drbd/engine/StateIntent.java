package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.wire.DrbdState;

/**
 * What a peer's state change request (P_STATE_CHG_REQ, P_CONN_ST_CHG_REQ, or a two-phase commit)
 * asks of this node, after turning the peer's point of view into ours (its role is our peer
 * role, its disk our peer disk; a verify source makes us verify target, a disconnect tears the
 * connection down here).
 */
record StateIntent(boolean peerBecomesPrimary, boolean peerBecomesSecondary, DiskState peerDisk, DiskState ownDisk,
        boolean disconnect, boolean connect, ReplState repl, String description) {

    /** Decodes mask/val (peer's view, disk values in {@code dialect84} numbering when set). */
    static StateIntent of(int maskWord, int valWord, boolean dialect84) {
        DrbdState mask = DrbdState.decode(maskWord);
        DrbdState val = DrbdState.decode(valWord);
        boolean pri = mask.role() == DrbdState.ROLE_MASK && val.role() == 1;
        boolean sec = mask.role() == DrbdState.ROLE_MASK && val.role() == 2;
        DiskState disk = null;
        if (mask.disk() == DrbdState.DISK_MASK) {
            try {
                disk = DiskState.fromWire(val.disk(), dialect84);
            } catch (IllegalArgumentException e) {
                disk = null;
            }
        }
        DiskState own = null;
        if (mask.pdsk() == DrbdState.DISK_MASK) {
            try {
                own = DiskState.fromWire(val.pdsk(), dialect84);
            } catch (IllegalArgumentException e) {
                own = null;
            }
        }
        boolean disc = false;
        boolean conn = false;
        ReplState repl = null;
        if (mask.conn() == DrbdState.CONN_MASK) {
            int c = val.conn();
            if (c == ConnState.DISCONNECTING.code()) {
                disc = true;
            } else if (c == ConnState.CONNECTED.code()) {
                conn = true;
            } else if (c == ReplState.VERIFY_S.code()) {
                repl = ReplState.VERIFY_T;
            } else if (c == ReplState.STARTING_SYNC_S.code()) {
                repl = ReplState.STARTING_SYNC_T;
            } else if (c == ReplState.STARTING_SYNC_T.code()) {
                repl = ReplState.STARTING_SYNC_S;
            } else if (c == ReplState.WF_BITMAP_S.code()) {
                repl = ReplState.WF_BITMAP_T;
            } else if (c == ReplState.WF_BITMAP_T.code()) {
                repl = ReplState.WF_BITMAP_S;
            }
        }
        StringBuilder d = new StringBuilder();
        if (pri) {
            d.append("peer role Primary ");
        }
        if (sec) {
            d.append("peer role Secondary ");
        }
        if (disk != null) {
            d.append("peer disk ").append(disk.displayName()).append(' ');
        }
        if (own != null) {
            d.append("disk ").append(own.displayName()).append(' ');
        }
        if (disc) {
            d.append("disconnect ");
        }
        if (conn) {
            d.append("connect ");
        }
        if (repl != null) {
            d.append("replication ").append(repl.displayName());
        }
        return new StateIntent(pri, sec, disk, own, disc, conn, repl, d.toString().trim());
    }

    /** mask/val words for a request (our point of view), disk values in the dialect's numbering. */
    static int[] primaryRequest(boolean forced, boolean dialect84) {
        int mask = DrbdState.ROLE_MASK;
        int val = 1;
        if (forced) {
            mask |= DrbdState.DISK_MASK << 9;
            val |= DiskState.UP_TO_DATE.toWire(dialect84) << 9;
        }
        return new int[] {mask, val};
    }

    static int[] connRequest(int connCode) {
        return new int[] {DrbdState.CONN_MASK << 4, connCode << 4};
    }

    /**
     * A graceful disconnect; {@code outdatePeer} (a Primary leaving its Secondary) or
     * {@code outdateSelf} (a Secondary leaving its Primary) add the Secondary's disk going Outdated.
     */
    static int[] disconnectRequest(boolean outdatePeer, boolean outdateSelf, boolean dialect84) {
        int[] mv = connRequest(ConnState.DISCONNECTING.code());
        int outdated = DiskState.OUTDATED.toWire(dialect84);
        if (outdatePeer) {
            mv[0] |= DrbdState.DISK_MASK << 13;
            mv[1] |= outdated << 13;
        }
        if (outdateSelf) {
            mv[0] |= DrbdState.DISK_MASK << 9;
            mv[1] |= outdated << 9;
        }
        return mv;
    }
}
