package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.sync.bitmap.PeerBitmap;
import io.scstdrbd.kernel.block.Bio;
import java.util.concurrent.CompletableFuture;

/**
 * The local half of one replicated volume as the replication engine sees it: the backing storage,
 * the disk state, the generation UUIDs, one out-of-sync bitmap per peer and the activity log.
 * The daemon implements it over the DRBD model and its v09 metadata; tests over memory.
 *
 * <p>Threading: every method is thread-safe and non-blocking except where noted; futures complete
 * on any thread.
 */
public interface LocalVolume {
    /** Volume number inside the resource (the packet header's volume). */
    int volume();

    /** Device minor (drbdN). */
    int minor();

    /** Usable data sectors of the backing device (0 when diskless). */
    long dataSectors();

    /**
     * The largest request the backing device takes in one piece, in bytes; told to peers in
     * P_SIZES, so their resync requests stay within it. Default: the protocol's 1 MiB.
     */
    default int maxBioSize() {
        return io.scstdrbd.drbd.wire.WireConstants.MAX_BIO_SIZE;
    }

    /**
     * Sectors of local backing I/O of every origin so far (the kernel's read_cnt + writ_cnt), or -1
     * if the application I/O of this volume goes through {@link VolumeEngine#submit}, which counts
     * it itself. The resync's c-min-rate throttle takes the resync's own part off.
     */
    default long localIoSectors() {
        return -1;
    }

    /**
     * The size the device has now, in sectors: what the engine starts from before a peer tells its
     * size. Default: the whole data area.
     */
    default long exposedSectors() {
        return dataSectors();
    }

    /** The size last agreed with the peers (the metadata's effective size), 0 if never. */
    default long lastAgreedSectors() {
        return 0;
    }

    /** The user's size cap (disk-size, resize --size) in sectors, 0 for none. */
    default long userSectors() {
        return 0;
    }

    /** The peer changed the user size cap while connected (resize --size on its side): keep it. */
    default void setUserSectors(long sectors) {
    }

    /**
     * The device changes size from {@code oldSectors} to {@code newSectors}. Before this returns,
     * every bitmap slot marks the blocks a grown device gained as out of sync
     * ({@code newBlocksOutOfSync}, the resync after an online grow copies them) or in sync
     * (resize --assume-clean, or a first size), and forgets blocks a shrunk device lost. The size
     * of the device applications see and the metadata follow; the future completes once they have.
     */
    default CompletableFuture<Void> resize(long oldSectors, long newSectors, boolean newBlocksOutOfSync) {
        return CompletableFuture.completedFuture(null);
    }

    /** True while a backing disk is attached. */
    boolean hasDisk();

    /**
     * I/O to the local backing device (sector 0 = first data sector): peer writes, resync reads
     * and writes, flushes. Writes go through the activity log. Completes with ENODEV when diskless.
     */
    void submitLocal(Bio bio);

    /**
     * A write that need not go through the activity log because its blocks are tracked elsewhere
     * until it is stable: resync data (the bitmap keeps them out of sync until written) and a
     * primary's replicated writes (the primary keeps them in its transfer log until the barrier
     * ack, and marks them out of sync if the connection breaks first). Default: {@link #submitLocal}.
     */
    default void submitUntracked(Bio bio) {
        submitLocal(bio);
    }

    DiskState diskState();

    void setDiskState(DiskState s);

    UuidStore uuids();

    /** The out-of-sync bitmap kept for peer {@code nodeId} (created on first use). */
    PeerBitmap bitmap(int peerNodeId);

    /** True if the metadata says this node crashed while Primary (MDF_CRASHED_PRIMARY). */
    boolean crashedPrimary();

    /** Sets or clears the crashed-primary / primary indicator flags (persisted by {@link #persist}). */
    void setPrimaryIndicator(boolean primary);

    /** Writes UUIDs, flags and dirty bitmap pages to stable storage. */
    CompletableFuture<Void> persist();

    /**
     * Marks the activity-log extents of a write hot before the write is issued; completes once
     * that is on stable storage (at once if the extents already are).
     */
    CompletableFuture<Void> alBegin(long sector, long sectors);

    /** The write that called {@link #alBegin} has completed everywhere. */
    void alComplete(long sector, long sectors);
}
