package io.scstdrbd.drbd.sync.uuid;

import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.sync.uuid.HandshakeDecision.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a UUID comparison into a decision (drbd.md §10.3): disk states settle undecided cases,
 * split brains go through the after-sb policies and discard-my-data, and a node refuses to
 * become source with inconsistent data or target while it is a Primary with good data
 * (rr-conflict). Pure: the caller applies the decision.
 */
public final class SyncHandshake {
    private SyncHandshake() {
    }

    /** Policies from the net options (already checked to match the peer's). */
    public record Policies(AfterSbPolicy afterSb0p, AfterSbPolicy afterSb1p, AfterSbPolicy afterSb2p,
            AfterSbPolicy rrConflict, boolean alwaysAsbp) {
        public static final Policies DEFAULT = new Policies(AfterSbPolicy.DISCONNECT, AfterSbPolicy.DISCONNECT,
                AfterSbPolicy.DISCONNECT, AfterSbPolicy.DISCONNECT, false);
    }

    public record Input(UuidComparison comparison, DiskState myDisk, DiskState peerDisk, Policies policies,
            boolean iDiscardMyData, boolean peerDiscardsItsData, SplitBrainInput splitBrain) {
    }

    public static HandshakeDecision decide(Input in) {
        SyncStrategy s = in.comparison().strategy();
        List<String> helpers = new ArrayList<>();
        String why = "UUID rule " + in.comparison().rule();
        if (s == SyncStrategy.UNRELATED_DATA) {
            return new HandshakeDecision(Outcome.DISCONNECT, false, s, "unrelated data (no common UUID), refusing to sync",
                    helpers, false);
        }
        if (s == SyncStrategy.RETRY_CONNECT) {
            return new HandshakeDecision(Outcome.RETRY, false, s, why, helpers, false);
        }
        int dir = s.isSource() ? 1 : s.isTarget() ? -1 : 0;
        boolean full = s.isFullSync();
        boolean split = s.isSplitBrain();
        DiskState me = in.myDisk();
        DiskState peer = in.peerDisk();
        if ((me == DiskState.INCONSISTENT && peer.compareTo(DiskState.INCONSISTENT) > 0)
                || (peer == DiskState.INCONSISTENT && me.compareTo(DiskState.INCONSISTENT) > 0)) {
            full = full || s == SyncStrategy.SPLIT_BRAIN_DISCONNECT;
            dir = me.compareTo(DiskState.INCONSISTENT) > 0 ? 1 : -1;
            split = false;
            why = "disk states " + me.displayName() + "/" + peer.displayName() + " decide";
        }
        boolean demote = false;
        if (split) {
            helpers.add("initial-split-brain");
            if (s == SyncStrategy.SPLIT_BRAIN_AUTO_RECOVER || in.policies().alwaysAsbp()) {
                SplitBrainResolver r = new SplitBrainResolver(in.splitBrain());
                Policies p = in.policies();
                int h = r.resolve(p.afterSb0p(), p.afterSb1p(), p.afterSb2p());
                if (h != 0) {
                    dir = h;
                    full = s == SyncStrategy.SPLIT_BRAIN_DISCONNECT;
                    split = false;
                    demote = r.demoteRequested();
                    why = "split brain resolved automatically by after-sb policy, sync from "
                            + (h > 0 ? "this" : "the peer") + " node";
                }
            }
            if (split) {
                if (in.iDiscardMyData() && !in.peerDiscardsItsData()) {
                    dir = -1;
                    split = false;
                    why = "split brain resolved by discard-my-data here";
                } else if (!in.iDiscardMyData() && in.peerDiscardsItsData()) {
                    dir = 1;
                    split = false;
                    why = "split brain resolved by discard-my-data on the peer";
                }
                if (!split) {
                    full = s == SyncStrategy.SPLIT_BRAIN_DISCONNECT;
                }
            }
            if (split) {
                helpers.add("split-brain");
                return new HandshakeDecision(Outcome.DISCONNECT, false, s,
                        "split brain detected and not resolved, dropping the connection", helpers, false);
            }
        }
        if (dir > 0 && me.compareTo(DiskState.INCONSISTENT) <= 0) {
            return new HandshakeDecision(Outcome.DISCONNECT, false, s,
                    "this node would be sync source but its disk is " + me.displayName(), helpers, false);
        }
        if (dir < 0 && in.splitBrain().myRole() == Role.PRIMARY && me.compareTo(DiskState.CONSISTENT) >= 0
                && !demote) {
            switch (in.policies().rrConflict()) {
                case VIOLENTLY:
                    why += " (rr-conflict violently: Primary becomes sync target)";
                    break;
                case RETRY_CONNECT:
                    return new HandshakeDecision(Outcome.RETRY, false, s, "Primary would become sync target; retrying",
                            helpers, false);
                case CALL_HELPER:
                    helpers.add("pri-lost");
                    // fall through
                default:
                    return new HandshakeDecision(Outcome.DISCONNECT, false, s,
                            "this Primary with good data would become sync target, refusing (rr-conflict)", helpers,
                            false);
            }
        }
        Outcome o = dir > 0 ? Outcome.SYNC_SOURCE : dir < 0 ? Outcome.SYNC_TARGET : Outcome.NO_SYNC;
        return new HandshakeDecision(o, full && dir != 0, s, why, helpers, demote);
    }
}
