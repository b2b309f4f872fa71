package io.scstdrbd.drbd.model;

import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.stats.PeerDeviceStatistics;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BioCallback;

/**
 * The network side of one {@link Connection}: sockets, handshake, replication and resync. It is
 * the plug-in point for the replication code (packages wire, transport, handshake, sync): the
 * engine owns configuration and states and calls the driver; the driver reports progress back
 * through the {@link ConnectionControl} it was created with.
 *
 * <p>Lifecycle: created by {@link ReplicationFactory#create} when the connection is created
 * (new-peer); {@link #connect} after {@code drbdsetup connect} moved the connection to
 * Unconnected (the engine then shows Connecting); {@link #disconnect} on disconnect/down;
 * {@link #close} when the connection is deleted. Until a driver calls
 * {@code setConnectionState(CONNECTED)} the connection stays Connecting, as with an absent peer.
 *
 * <p>Threading: the engine calls {@link #connect}, {@link #disconnect}, {@link #configChanged},
 * {@link #localStateChanged} and {@link #close} WITHOUT holding the node lock, one at a time per
 * connection; they must not block for long (disconnect may wait for the network to go down).
 * {@link #replicate} is called on I/O threads concurrently and must not block.
 */
public interface ConnectionDriver {

    /** Start connecting over the connection's paths (non-blocking). */
    void connect();

    /**
     * Stop: graceful (tell the peer) unless {@code force}. Returns when the sockets are closed;
     * the engine then moves the connection to StandAlone.
     */
    void disconnect(boolean force);

    /**
     * Whether the transport is connected as far as the driver knows (any thread). The model may
     * be a moment behind either way: it counts quorum only once it has seen a loss, and a write
     * while it has not yet seen a new connection goes to the driver. The default: a driver
     * without a transport of its own is never connected.
     */
    default boolean isConnected() {
        return false;
    }

    /**
     * Whether the driver's transport is connected and carries {@code peerDevice}'s volume, so a
     * write handed to {@link #replicate} really goes to the peer or is marked and told by it (any
     * thread). The default: never.
     */
    default boolean carries(PeerDevice peerDevice) {
        return false;
    }

    /** Paths or net options changed while configured (new-path, del-path, net-options). */
    default void configChanged() {
    }

    /** The local role, disk state or UUIDs of a device changed: tell the peer (P_STATE / P_UUIDS). */
    default void localStateChanged(Device device) {
    }

    /**
     * Replicates a local application write (this node is Primary) to the peer: a WRITE,
     * WRITE_ZEROES or DISCARD (FUA and PREFLUSH flags included), or an empty FLUSH that must make
     * every earlier write durable on the peer before {@code done} (sent as a flush/barrier). Called only while
     * the peer device is Established or beyond; {@code done} receives 0 when the peer has the
     * data as the wire protocol requires (C: written, B: received, A: sent), or an errno. The
     * bio's segments stay valid until {@code done} runs. A driver that cannot replicate marks
     * the blocks out of sync through {@link ConnectionControl#markOutOfSync} and completes with 0.
     */
    void replicate(PeerDevice peerDevice, Bio bio, BioCallback done);

    /**
     * Like {@link #replicate}, for a write whose local part must not be issued before the driver
     * has ordered it against this node's resync requests for the same blocks (this node is, or
     * may become, a sync target while Primary): {@code whenOrdered} runs exactly once, on any
     * thread and possibly before this returns, and the caller issues the local part then. It must
     * not block. The default orders nothing.
     */
    default void replicateOrdered(PeerDevice peerDevice, Bio bio, Runnable whenOrdered, BioCallback done) {
        whenOrdered.run();
        replicate(peerDevice, bio, done);
    }

    /**
     * An application read this node cannot serve from a local disk (Diskless, or the local read
     * failed): the peer, whose disk must be UpToDate, serves it. Called on I/O threads, must not
     * block; completes {@code bio} exactly once (EIO when the peer cannot serve it). The default
     * cannot read remotely.
     */
    default void read(PeerDevice peerDevice, Bio bio) {
        bio.complete(io.scstdrbd.kernel.errno.Errno.EIO);
    }

    /**
     * The local part of a write that was handed to {@link #replicate} finished (it may finish
     * before or after {@code replicate} is called). Lets the driver order later resync reads of the
     * same blocks after the local data is in place. Optional.
     */
    default void localWriteDone(PeerDevice peerDevice, Bio bio, int errno) {
    }

    /**
     * {@code drbdadm verify}: starts online verify toward this peer on one volume. Completes with
     * the result of the state change (the verify itself runs on); the default refuses.
     */
    default java.util.concurrent.CompletableFuture<StateResult> startVerify(PeerDevice peerDevice) {
        return java.util.concurrent.CompletableFuture.completedFuture(StateResult.NOT_SUPPORTED);
    }

    /**
     * {@code drbdadm invalidate} ({@code asTarget}: this node becomes sync target) or
     * {@code invalidate-remote} (this node becomes sync source) while connected: a resync of one
     * volume agreed with the peer, of everything ({@code full}) or, with {@code --reset-bitmap=no}
     * (needs protocol 120, see {@link #agreedProtocol}), of the blocks the bitmaps mark. Completes
     * with the result of the state change (the resync itself runs on); the default refuses.
     */
    default java.util.concurrent.CompletableFuture<StateResult> startResync(PeerDevice peerDevice, boolean asTarget,
            boolean full) {
        return java.util.concurrent.CompletableFuture.completedFuture(StateResult.NOT_SUPPORTED);
    }

    /**
     * Sectors of application writes sent to the peer that it has not confirmed stable yet (its
     * barrier ack), the kernel's ap_in_flight; any thread, must not block.
     */
    default long apInFlightSectors() {
        return 0;
    }

    /** Sectors of resync data sent to the peer that it has not acknowledged yet (rs_in_flight); any thread. */
    default long rsInFlightSectors() {
        return 0;
    }

    /**
     * The data counters and resync/verify figures of {@code peerDevice} (status --statistics);
     * any thread, with the node lock held: must not block. The default: nothing moves.
     */
    default PeerDeviceStatistics statistics(PeerDevice peerDevice) {
        return PeerDeviceStatistics.NONE;
    }

    /**
     * {@code drbdadm resize} of {@code device} through the replication engine, which knows the
     * sizes connected peers told: an Established peer resizes too (a grow resyncs the new part
     * unless {@code noResync}); a peer that is not connected bounds the size to the one last agreed
     * unless {@code unconnectedPeersHadNoDisk} or {@code assumePeerHasSpace}. {@code userSectors}
     * is the requested size, 0 for as big as possible. Completes with the new size once the device
     * has it, or -1 when a running resync or verify refuses the resize; fails when the engine has
     * no such volume (the default: no engine).
     */
    default java.util.concurrent.CompletableFuture<Long> resize(Device device, long userSectors,
            boolean assumePeerHasSpace, boolean noResync, boolean unconnectedPeersHadNoDisk) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new UnsupportedOperationException("resize while connected"));
    }

    /** The protocol version agreed with the connected peer, 0 when not connected. */
    default int agreedProtocol() {
        return 0;
    }

    /** {@code pause-sync} / {@code resume-sync}: the user suspension flag of a peer device changed. */
    default void resyncPausedByUser(PeerDevice peerDevice, boolean paused) {
    }

    /**
     * {@code new-current-uuid --clear-bitmap} while connected: announce the device's new current
     * UUID with the skip-initial-sync flag, before any other packet tells the new disk state.
     */
    default void skipInitialSync(Device device) {
    }

    /**
     * {@code new-current-uuid --force-resync} while connected: announce the device's new current
     * UUID with UUID_FLAG_RESYNC, so that the peer compares UUIDs again and becomes SyncTarget.
     */
    default void forceResync(Device device) {
    }

    /** The connection is being deleted: release every resource. */
    void close();
}
