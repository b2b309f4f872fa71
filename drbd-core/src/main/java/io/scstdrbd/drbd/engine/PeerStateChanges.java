package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.wire.WireConstants;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a state change agreed with the peer means on this node, whichever dialect carried it
 * (P_STATE_CHG_REQ in 8.4, a two-phase commit in DRBD 9): whether this node accepts it, and
 * carrying it out once agreed.
 *
 * <p>Threading: on the resource loop, like everything in the engine.
 */
final class PeerStateChanges {
    /** Logs under PeerDevice's name, as the other per-volume messages. */
    private static final Logger LOG = LoggerFactory.getLogger(PeerDevice.class);

    private final PeerConnection conn;
    private final ResourceEngine res;

    PeerStateChanges(PeerConnection conn) {
        this.conn = conn;
        this.res = conn.resource();
    }

    /** Whether this node accepts what the peer asks. */
    StateResult evaluate(StateIntent in, int volume) {
        if (in.disconnect() && conn.dialect84() && conn.net().fencing() && res.role() == Role.PRIMARY
                && in.ownDisk() == null && in.peerDisk() != DiskState.OUTDATED) {
            for (PeerDevice pd : volumeDevices(volume)) {
                if (PeerConnection.outdatable(pd.peerDisk())) {
                    // an 8.4 Secondary asks plainly first and, refused, again outdating itself
                    return StateResult.PRIMARY_NOP;
                }
            }
        }
        if (in.disconnect() && res.role() == Role.PRIMARY) {
            for (PeerDevice pd : volumeDevices(volume)) {
                if (pd.volume().local().diskState() != DiskState.UP_TO_DATE && pd.peerDisk() == DiskState.UP_TO_DATE) {
                    // a Primary that reads its data from this peer: no disconnect (is_valid_state)
                    return StateResult.NO_UP_TO_DATE_DISK;
                }
            }
        }
        if (in.peerBecomesPrimary() && res.role() == Role.PRIMARY && !conn.net().twoPrimaries()) {
            return StateResult.TWO_PRIMARIES;
        }
        if (in.repl() == ReplState.VERIFY_T) {
            for (PeerDevice pd : volumeDevices(volume)) {
                if (pd.repl() != ReplState.ESTABLISHED) {
                    return StateResult.RESYNC_RUNNING;
                }
                if (conn.net().verifyAlg().isEmpty()) {
                    return StateResult.NO_VERIFY_ALG;
                }
            }
        }
        if (in.repl() == ReplState.STARTING_SYNC_S || in.repl() == ReplState.STARTING_SYNC_T
                || in.repl() == ReplState.WF_BITMAP_S || in.repl() == ReplState.WF_BITMAP_T) {
            boolean asTarget = in.repl() == ReplState.STARTING_SYNC_T || in.repl() == ReplState.WF_BITMAP_T;
            for (PeerDevice pd : volumeDevices(volume)) {
                StateResult r = fullSyncAllowed(pd, asTarget);
                if (!r.isSuccess()) {
                    return r;
                }
            }
        }
        return StateResult.SUCCESS;
    }

    /**
     * Whether a full resync may start on {@code pd} with this node as target or source: both sides
     * Established and the source's disk UpToDate. The target may be Primary: it reads the blocks it
     * does not have yet from the source, as the kernel's does.
     */
    StateResult fullSyncAllowed(PeerDevice pd, boolean asTarget) {
        if (pd.repl() == ReplState.OFF) {
            return StateResult.NEED_CONNECTION;
        }
        if (pd.repl() != ReplState.ESTABLISHED) {
            return StateResult.RESYNC_RUNNING;
        }
        DiskState source = asTarget ? pd.peerDisk() : pd.volume().local().diskState();
        if (source != DiskState.UP_TO_DATE) {
            return StateResult.NO_UP_TO_DATE_DISK;
        }
        return StateResult.SUCCESS;
    }

    private List<PeerDevice> volumeDevices(int volume) {
        if (volume < 0 || volume == WireConstants.VOLUME_CONNECTION) {
            return conn.devices();
        }
        PeerDevice pd = conn.device(volume);
        return pd == null ? List.of() : List.of(pd);
    }

    void apply(StateIntent in, int volume) {
        // before anything changes: the peer disks a disconnect may leave Outdated
        List<PeerDevice> hadData = new java.util.ArrayList<>();
        for (PeerDevice pd : volumeDevices(volume)) {
            if (PeerConnection.outdatable(pd.peerDisk())) {
                hadData.add(pd);
            }
        }
        if (in.peerBecomesPrimary()) {
            conn.setPeerRole(Role.PRIMARY);
        }
        if (in.peerBecomesSecondary()) {
            conn.setPeerRole(Role.SECONDARY);
        }
        if (in.peerDisk() != null) {
            for (PeerDevice pd : volumeDevices(volume)) {
                pd.setPeerDisk(in.peerDisk());
            }
        }
        if (in.repl() == ReplState.VERIFY_T) {
            for (PeerDevice pd : volumeDevices(volume)) {
                pd.startVerifyTarget();
            }
        }
        if (in.repl() == ReplState.STARTING_SYNC_S || in.repl() == ReplState.STARTING_SYNC_T) {
            for (PeerDevice pd : volumeDevices(volume)) {
                pd.startFullSync(in.repl() == ReplState.STARTING_SYNC_T);
            }
        }
        if (in.repl() == ReplState.WF_BITMAP_S || in.repl() == ReplState.WF_BITMAP_T) {
            for (PeerDevice pd : volumeDevices(volume)) {
                pd.startBitmapResync(in.repl() == ReplState.WF_BITMAP_T);
            }
        }
        if (in.disconnect()) {
            List<PeerDevice> pds = volumeDevices(volume);
            // the peer goes StandAlone; this side tears down and tries again later
            res.loop().execute(() -> {
                boolean connected = conn.connState() == ConnState.CONNECTED;
                if (in.peerDisk() == DiskState.OUTDATED) {
                    // a Secondary leaving this Primary outdated itself: that outlives the connection,
                    // straight from its last state (or, if the connection is gone already, afterwards)
                    for (PeerDevice pd : hadData) {
                        if (connected) {
                            pd.peerOutdatedByDisconnect();
                        } else {
                            pd.setPeerDisk(DiskState.OUTDATED);
                        }
                    }
                }
                if (connected) {
                    conn.connectionLost(ConnState.TEAR_DOWN, "peer disconnected");
                }
                if (in.ownDisk() == DiskState.OUTDATED && res.role() != Role.PRIMARY) {
                    // a Primary with fencing left: it had this Secondary outdate itself
                    for (PeerDevice pd : pds) {
                        DiskState mine = pd.volume().local().diskState();
                        if (mine == DiskState.UP_TO_DATE || mine == DiskState.CONSISTENT) {
                            LOG.info("{}: the Primary disconnected; outdating this node's disk", pd.tagName());
                            pd.setDisk(DiskState.OUTDATED);
                        }
                    }
                }
            });
        }
    }
}
