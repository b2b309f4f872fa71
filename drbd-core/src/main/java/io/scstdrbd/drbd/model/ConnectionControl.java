package io.scstdrbd.drbd.model;

import io.scstdrbd.drbd.meta.Superblock;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.kernel.block.Bio;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a {@link ConnectionDriver} may do to the engine for its connection. Every state-changing
 * call takes the node lock, validates the change with the kernel's rules, applies its
 * consequences (metadata flags, new data generation, events2 notifications) and returns the
 * result; the caller must not hold locks the engine could need (never call from inside
 * {@link ModelEvents}). Thread-safe.
 */
public interface ConnectionControl {

    Connection connection();

    int myNodeId();

    /** The configured paths (a snapshot). */
    List<Path> paths();

    /** Connecting, Connected, NetworkFailure, BrokenPipe, Timeout, ProtocolError, TearDown, Unconnected. */
    StateResult setConnectionState(ConnState state);

    void setPathEstablished(Path path, boolean established);

    /**
     * fencing resource-and-stonith: I/O of the resource is suspended (res_susp_fen) while the
     * fence-peer handler decides, or resumes (held bios are re-submitted, held completions run).
     */
    default StateResult setSuspendedByFencing(boolean suspended) {
        return StateResult.NOTHING_TO_DO;
    }

    /** The peer's role (Unknown while not connected). */
    StateResult setPeerRole(Role role);

    /** The replication state and the peer's disk state of one volume. */
    StateResult setPeerDeviceState(int volume, ReplState repl, DiskState peerDisk);

    /**
     * As {@link #setPeerDeviceState(int, ReplState, DiskState)}, with whether the peer
     * suspends the resync (pause-sync on its side: resync-suspended:peer here).
     */
    default StateResult setPeerDeviceState(int volume, ReplState repl, DiskState peerDisk,
            boolean resyncSuspendedByPeer) {
        return setPeerDeviceState(volume, repl, peerDisk);
    }

    /**
     * The resync or online verify of a volume made progress (at most every 3 seconds): events2
     * reports the peer device again, with its figures, as the kernel's RS_PROGRESS broadcast does.
     */
    default void resyncProgressed(int volume) {
    }

    /** The local disk state of a volume (e.g. UpToDate when a resync as target ended). */
    StateResult setLocalDiskState(int volume, DiskState disk);

    /** The peer set the user size cap (disk-size) of a volume while connected: the disk options keep it. */
    default void setUserSize(int volume, long sectors) {
    }

    /**
     * The engine gave a volume a new size (agreed with the peer, or a resize): the metadata keeps it
     * as the effective size with the bitmap, and the drbdN device applications see takes it.
     */
    default void deviceResized(int volume, long sectors) {
    }

    /** Marks sectors out of sync toward this peer (bitmap slot of the peer), in memory and, lazily, on disk. */
    void markOutOfSync(int volume, long sector, long bytes);

    /** Marks sectors in sync toward this peer. */
    void markInSync(int volume, long sector, long bytes);

    /** Out-of-sync sectors toward this peer (0 when diskless). */
    long outOfSyncSectors(int volume);

    /** The local metadata superblock (UUIDs, flags) of a volume, or null when diskless. */
    Superblock metadata(int volume);

    /** Changes UUIDs/flags of a volume's metadata and writes the superblock. */
    void updateMetadata(int volume, Consumer<Superblock.Builder> change);

    /**
     * Submits I/O to the local backing device of a volume (a peer's write as Secondary, resync
     * reads and writes). Writes go through the activity log, except resync writes flagged with
     * {@code DrbdBlockDevice.RESYNC}; the bio fails with ENODEV when the volume is diskless.
     */
    void submitLocal(int volume, Bio bio);

    /**
     * Runs a handler script (handlers section of drbd.conf) for this connection, e.g. "split-brain";
     * the future completes with the script's exit code (-1 if it could not run).
     */
    java.util.concurrent.CompletableFuture<Integer> callHelper(String name, Integer volume);

    /**
     * Net options the peer changed while connected and the engine now uses (NET_CONF attribute
     * name to value): the connection's configuration says so too (drbdsetup show).
     */
    void adoptNetOptions(java.util.Map<String, Object> values);
}
