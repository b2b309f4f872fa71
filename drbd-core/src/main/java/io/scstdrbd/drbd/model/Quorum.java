package io.scstdrbd.drbd.model;

import io.scstdrbd.drbd.meta.PeerMd;
import io.scstdrbd.drbd.netlink.NlStruct;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;

/**
 * The quorum of one volume, counted as DRBD 9 counts it: every node with a disk votes; a node
 * out of reach whose disk is known to be Outdated (or Inconsistent) cannot be promoted, so when
 * no voter is unknown the outdated ones are left out ("last man standing"). With two nodes and
 * {@code quorum majority} both must be in touch, unless the missing one was outdated first.
 *
 * <p>Not modelled (no such nodes here): intentionally diskless tiebreakers, quorumless members of
 * another partition, and restoring quorum after a reboot.
 *
 * <p>Threading: pure functions of the model; callers hold the node lock.
 */
record Quorum(int voters, int upToDate, int present, int quorumAt, int minRedundancyAt, boolean have) {
    /** Resource option values (linux/drbd.h QOU_*): anything else is a node count. */
    static final long OFF = 0;
    static final long MAJORITY = 1024;
    static final long ALL = 1025;
    /** on-no-quorum values (ONQ_*). */
    static final long IO_ERROR = 0;
    static final long SUSPEND_IO = 1;

    static boolean enabled(Resource r) {
        return r.options().num("quorum") != OFF;
    }

    /** Counts the votes of {@code d} in its current (new) state. */
    static Quorum of(Device d) {
        NlStruct opts = d.resource().options();
        long setting = opts.num("quorum");
        long minRedundancy = opts.num("quorum_min_redundancy");
        boolean withDisk = d.disk().code() > DiskState.ATTACHING.code() && d.ldev() != null;
        int upToDate = 0;
        int present = 0;
        int outdated = 0;
        int unknown = 0;
        if (withDisk) {
            if (d.disk() == DiskState.UP_TO_DATE) {
                upToDate++;
            } else {
                present++;
            }
        } else if (d.disk() == DiskState.DISKLESS && !d.deviceConf().flag("intentional_diskless")) {
            unknown++; // a node meant to have a disk: it does not vote for itself, but counts as missing
        }
        for (PeerDevice pd : d.peerDevices.values()) {
            if (withDisk && !member(d.ldev().md().superblock().peer(pd.peerNodeId()))) {
                continue; // no bitmap slot and never seen: not a member yet
            }
            DiskState pdsk = pd.peerDisk();
            if (pd.repl() == ReplState.OFF) {
                if (pdsk.code() <= DiskState.OUTDATED.code() || withDisk && peerOutdatedOnDisk(d, pd)) {
                    outdated++;
                } else {
                    unknown++;
                }
            } else if (pdsk == DiskState.UP_TO_DATE) {
                upToDate++;
            } else {
                present++;
            }
        }
        if (withDisk) {
            // a node this one has known (it has a bitmap slot or was seen) votes until forget-peer,
            // even while no peer of that id is configured
            var sb = d.ldev().md().superblock();
            for (int id = 0; id < io.scstdrbd.drbd.meta.Superblock.MAX_PEERS; id++) {
                if (id == d.resource().nodeId() || d.peerDevices.containsKey(id)) {
                    continue;
                }
                PeerMd pm = sb.peer(id);
                if (!member(pm)) {
                    continue;
                }
                if ((pm.flags() & PeerMd.MDF_PEER_OUTDATED) != 0) {
                    outdated++;
                } else {
                    unknown++;
                }
            }
        }
        int voters = unknown > 0 ? outdated + unknown + upToDate + present : upToDate + present;
        int quorumAt = at(setting, voters);
        int minRedundancyAt = at(minRedundancy, voters);
        boolean have = upToDate + present >= quorumAt && upToDate >= minRedundancyAt;
        return new Quorum(voters, upToDate, present, quorumAt, minRedundancyAt, have);
    }

    /** A node the metadata knows: it has a bitmap slot, exists, or was seen (the kernel's filter). */
    private static boolean member(PeerMd pm) {
        return pm.bitmapIndex() >= 0 || (pm.flags() & (PeerMd.MDF_NODE_EXISTS | PeerMd.MDF_PEER_DEVICE_SEEN)) != 0;
    }

    private static boolean peerOutdatedOnDisk(Device d, PeerDevice pd) {
        LocalDisk l = d.ldev();
        return l != null && (l.md().superblock().peer(pd.peerNodeId()).flags() & PeerMd.MDF_PEER_OUTDATED) != 0;
    }

    private static int at(long setting, int voters) {
        if (setting == MAJORITY) {
            return voters / 2 + 1;
        }
        if (setting == ALL) {
            return voters;
        }
        return (int) setting;
    }

    /**
     * Sets every device's enforced quorum and the resource's quorum suspension from the new state
     * (the kernel does this while sanitizing every state change). With quorum off a device always
     * has it.
     */
    static void update(Resource r) {
        boolean enabled = enabled(r);
        boolean all = true;
        for (Device d : r.devices.values()) {
            boolean have = !enabled || of(d).have;
            d.haveQuorum = have;
            all &= have;
        }
        r.suspQuorum = enabled && r.options().num("on_no_quorum") == SUSPEND_IO && !all;
    }

    /** Why a device has no quorum, in the kernel's words (the refusal's info text). */
    String explain(Device d) {
        if (d.disk().code() <= DiskState.ATTACHING.code()) {
            return "no UpToDate peer with quorum";
        }
        if (upToDate + present < quorumAt) {
            return (upToDate + present) + " of " + voters + " nodes visible, need " + quorumAt + " for quorum";
        }
        return upToDate + " of " + voters + " nodes up_to_date, need " + minRedundancyAt
                + " for quorum-minimum-redundancy";
    }
}
