package io.scstdrbd.drbd.model;

import io.scstdrbd.drbd.netlink.NlStruct;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.state.StateResult;

/**
 * The kernel's validity rules for a state change of one resource (is_valid_soft_transition and
 * is_valid_transition of drbd_state.c), applied to a snapshot of the old values and the objects'
 * new values. Quorum is counted by {@link Quorum} before the rules run.
 */
final class StateRules {
    private StateRules() {
    }

    /** Rules every change must obey, even forced ("hard") ones. */
    static StateResult hard(Snapshot old, Resource r) {
        for (Connection c : r.connections.values()) {
            Snapshot.ConnValues o = old.conns.get(c);
            if (o == null || o.cstate() == c.cstate()) {
                continue;
            }
            StateResult rv = o.cstate().checkTransition(c.cstate());
            if (!rv.isSuccess()) {
                return rv;
            }
        }
        for (Device d : r.devices.values()) {
            DiskState o = old.disks.get(d);
            if (o == DiskState.DISKLESS && (d.disk() == DiskState.FAILED || d.disk() == DiskState.DETACHING)) {
                return StateResult.IS_DISKLESS;
            }
        }
        return StateResult.SUCCESS;
    }

    /** fencing resource-only or resource-and-stonith (net option "fencing", the kernel's FP_RESOURCE). */
    static final long FENCING_RESOURCE = 1;

    /**
     * A Primary that does not replicate to a peer whose disk may hold data it does not have: with
     * fencing, a node may become that only after fence-peer has outdated the peer (SS_PRIMARY_NOP).
     */
    static boolean primaryWithUnfencedPeer(Role role, ReplState repl, DiskState peerDisk) {
        return role == Role.PRIMARY && repl.code() < ReplState.ESTABLISHED.code()
                && peerDisk.code() > DiskState.OUTDATED.code();
    }

    /** The change takes a vote away: a connection leaves Connected, or a disk goes. */
    private static boolean losesVote(Snapshot old, Resource r) {
        for (Connection c : r.connections.values()) {
            Snapshot.ConnValues o = old.conns.get(c);
            if (o != null && o.cstate() == ConnState.CONNECTED && c.cstate() != ConnState.CONNECTED) {
                return true;
            }
        }
        for (Device d : r.devices.values()) {
            DiskState o = old.disks.get(d);
            if (o != null && o.code() >= DiskState.NEGOTIATING.code() && d.disk().code() < DiskState.NEGOTIATING.code()) {
                return true;
            }
        }
        return false;
    }

    static boolean accessible(DiskState disk, Iterable<PeerDevice> pds, Snapshot old) {
        if (disk == DiskState.UP_TO_DATE) {
            return true;
        }
        for (PeerDevice pd : pds) {
            DiskState pdsk = old == null ? pd.peerDisk() : old.pds.get(pd).peerDisk();
            ReplState repl = old == null ? pd.repl() : old.pds.get(pd).repl();
            if (pdsk == DiskState.UP_TO_DATE && repl.code() >= ReplState.ESTABLISHED.code()) {
                return true;
            }
        }
        return false;
    }

    /** Who asks for a change: an administrator (or a helper), or the engine reporting what happened. */
    enum Origin { ADMIN, ENGINE }

    /**
     * Whether the local disk may go to Outdated (the kernel's local_disk_may_be_outdated): a Primary
     * only while an UpToDate peer waits for its bitmap as sync target; a Secondary unless a
     * connected Primary peer relies on it, which it does not while this node is, or is about to be,
     * sync target of some peer.
     */
    static boolean mayBeOutdated(Device d, Role role) {
        if (role == Role.PRIMARY) {
            for (PeerDevice pd : d.peerDevices.values()) {
                if (pd.peerDisk() == DiskState.UP_TO_DATE && pd.repl() == ReplState.WF_BITMAP_T) {
                    return true;
                }
            }
            return false;
        }
        boolean primaryNeighbour = false;
        for (PeerDevice pd : d.peerDevices.values()) {
            primaryNeighbour |= pd.connection().peerRole() == Role.PRIMARY && pd.repl() != ReplState.OFF;
        }
        if (!primaryNeighbour) {
            return true;
        }
        for (PeerDevice pd : d.peerDevices.values()) {
            switch (pd.repl()) {
                case WF_SYNC_UUID, WF_BITMAP_T, STARTING_SYNC_T, SYNC_TARGET, PAUSED_SYNC_T, BEHIND:
                    return true;
                default:
                    break;
            }
        }
        return false;
    }

    /** The voluntary-change rules (__is_valid_soft_transition). */
    static StateResult soft(Snapshot old, Resource r, boolean ignoreOpeners, Origin origin) {
        Role oRole = old.res.role();
        Role nRole = r.role();
        if (oRole != Role.PRIMARY && nRole == Role.PRIMARY) {
            for (Connection c : r.connections.values()) {
                NlStruct nc = c.netConf();
                if (!nc.flag("two_primaries") && c.peerRole() == Role.PRIMARY) {
                    return StateResult.TWO_PRIMARIES;
                }
            }
        }
        if (oRole == Role.SECONDARY && nRole == Role.PRIMARY && r.failIo) {
            return StateResult.DEVICE_IN_USE;
        }
        for (Connection c : r.connections.values()) {
            Snapshot.ConnValues o = old.conns.get(c);
            ConnState oc = o == null ? ConnState.STANDALONE : o.cstate();
            ConnState nc = c.cstate();
            if (nc == ConnState.DISCONNECTING && oc == ConnState.STANDALONE) {
                return StateResult.ALREADY_STANDALONE;
            }
            if (nc == ConnState.CONNECTING && oc.code() < ConnState.UNCONNECTED.code()) {
                return StateResult.NO_NET_CONFIG;
            }
            if (nc == ConnState.DISCONNECTING && oc == ConnState.UNCONNECTED) {
                return StateResult.IN_TRANSIENT_STATE;
            }
            Role oPeer = o == null ? Role.UNKNOWN : o.peerRole();
            if (c.peerRole() == Role.PRIMARY && oPeer != Role.PRIMARY && !c.netConf().flag("two_primaries")
                    && oRole == Role.PRIMARY) {
                return StateResult.TWO_PRIMARIES;
            }
        }
        for (Device d : r.devices.values()) {
            DiskState od = old.disks.get(d);
            DiskState nd = d.disk();
            if (oRole == Role.PRIMARY && nRole == Role.SECONDARY && d.openWriters() > 0 && !ignoreOpeners) {
                return StateResult.DEVICE_IN_USE;
            }
            if (nd.code() > DiskState.ATTACHING.code() && od == DiskState.DISKLESS) {
                return StateResult.IS_DISKLESS;
            }
            if (nd == DiskState.OUTDATED && od.code() < DiskState.OUTDATED.code() && od != DiskState.ATTACHING
                    && od != DiskState.NEGOTIATING) {
                boolean finishingResync = false;
                for (PeerDevice pd : d.peerDevices.values()) {
                    if (old.pds.get(pd).repl() == ReplState.SYNC_TARGET
                            && pd.repl() == ReplState.ESTABLISHED) {
                        finishingResync = true;
                    }
                }
                if (!finishingResync) {
                    return StateResult.LOWER_THAN_OUTDATED;
                }
            }
            if (!od.mayChangeTo(nd)) {
                return StateResult.IN_TRANSIENT_STATE;
            }
            boolean accOld = accessible(od, d.peerDevices.values(), old);
            boolean accNew = accessible(nd, d.peerDevices.values(), null);
            if (!(oRole == Role.PRIMARY && !accOld) && nRole == Role.PRIMARY && !accNew) {
                return StateResult.NO_UP_TO_DATE_DISK;
            }
            if (d.openWriters() == 0 && d.openReaders() > 0 && accOld && !accNew) {
                return StateResult.NO_UP_TO_DATE_DISK;
            }
            // no promotion without quorum, and no graceful disconnect or detach that would take a
            // Primary's quorum away; what the engine reports has happened already and is not refused
            Boolean had = old.quorum.get(d);
            boolean hadQuorum = had == null || had;
            if ((oRole != Role.PRIMARY || hadQuorum && origin == Origin.ADMIN && losesVote(old, r))
                    && nRole == Role.PRIMARY && !d.haveQuorum) {
                return StateResult.NO_QUORUM;
            }
            for (PeerDevice pd : d.peerDevices.values()) {
                Snapshot.PdState o = old.pds.get(pd);
                ReplState orepl = o.repl();
                ReplState nrepl = pd.repl();
                StateResult rv = orepl.checkTransition(nrepl);
                if (!rv.isSuccess()) {
                    return rv;
                }
                if (!(orepl.code() > ReplState.ESTABLISHED.code() && od.code() < DiskState.INCONSISTENT.code())
                        && nrepl.code() > ReplState.ESTABLISHED.code()
                        && nd.code() < DiskState.INCONSISTENT.code()) {
                    return StateResult.NO_LOCAL_DISK;
                }
                if (!(orepl.code() > ReplState.ESTABLISHED.code()
                        && o.peerDisk().code() < DiskState.INCONSISTENT.code())
                        && nrepl.code() > ReplState.ESTABLISHED.code()
                        && pd.peerDisk().code() < DiskState.INCONSISTENT.code()) {
                    return StateResult.NO_REMOTE_DISK;
                }
                // promotions only: the kernel applies the rule to every soft change and has a
                // graceful disconnect outdate the peer to satisfy it; here a disconnect of a
                // Primary leaves the peer's disk as it is, and engine reports are never refused
                if (oRole != Role.PRIMARY && pd.connection().netConf().num("fencing_policy") >= FENCING_RESOURCE
                        && !primaryWithUnfencedPeer(oRole, orepl, o.peerDisk())
                        && primaryWithUnfencedPeer(nRole, nrepl, pd.peerDisk())) {
                    return StateResult.PRIMARY_NOP;
                }
                if (nrepl.isVerify() && orepl != nrepl && pd.connection().netConf().str("verify_alg").isEmpty()) {
                    return StateResult.NO_VERIFY_ALG;
                }
                if (od.code() > DiskState.OUTDATED.code() && nd == DiskState.OUTDATED
                        && !mayBeOutdated(d, nRole)) {
                    return StateResult.CONNECTED_OUTDATES;
                }
            }
        }
        return StateResult.SUCCESS;
    }
}
