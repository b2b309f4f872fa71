package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;

/**
 * State changes of a resource, for status, events2 and /proc/drbd. Called on the resource's
 * executor after the change took effect; must not block. All methods optional.
 */
public interface EngineObserver {
    default void roleChanged(Role role) {
    }

    default void diskStateChanged(int volume, DiskState disk) {
    }

    default void connectionStateChanged(int peerNodeId, ConnState state) {
    }

    /**
     * An established connection is going StandAlone (a disconnect, the peer's P_DISCONNECT, a fatal
     * error), before its writes in flight are failed: quorum must be counted before any of them
     * completes (on the loop, must not block).
     */
    default void connectionEnding(int peerNodeId) {
    }

    /**
     * An established connection is failing, before its writes in flight are failed and marked out of
     * sync: the moment a fencing policy that freezes I/O must take hold (on the loop, must not block).
     */
    default void connectionFailing(int peerNodeId) {
    }

    default void peerRoleChanged(int peerNodeId, Role role) {
    }

    default void replicationStateChanged(int peerNodeId, int volume, ReplState state) {
    }

    default void peerDiskStateChanged(int peerNodeId, int volume, DiskState disk) {
    }

    /** The peer suspended (pause-sync on its side) or resumed the resync of a volume (peer_isp). */
    default void peerResyncSuspendChanged(int peerNodeId, int volume, boolean suspended) {
    }

    /** The device size agreed with a peer changed (sectors); the drbdN device must not exceed it. */
    default void sizeAgreed(int volume, long sectors) {
    }

    /**
     * The peer changed net options both sides share while connected (P_PROTOCOL_UPDATE, or a
     * verify-alg/csums-alg in P_SYNC_PARAM) and this node now uses them, as the kernel's does; the
     * keys are NET_CONF attribute names (wire_protocol, after_sb_0p, two_primaries, verify_alg, ...).
     */
    default void netOptionsAdopted(int peerNodeId, java.util.Map<String, Object> values) {
    }

    /**
     * A resync or online verify of a volume made progress, reported at most every 3 seconds (the
     * kernel's RS_PROGRESS): events2 shows the peer device's figures (done:) again.
     */
    default void resyncProgressed(int peerNodeId, int volume) {
    }

    /** Path (socket pair) to the peer established or lost. */
    default void pathEstablished(int peerNodeId, boolean established) {
    }

    EngineObserver NONE = new EngineObserver() {
    };
}
