package io.scstdrbd.kernel.block;

import java.util.Set;

/**
 * A block device inside the daemon: a backend ({@code tcmu000}), a replicated device
 * ({@code drbd1}), or anything else that takes {@link Bio}s.
 *
 * <p>Users do not call {@link #submit} directly: they open the device through the
 * {@link DeviceRegistry}, which enforces one writer at a time, checks ranges and alignment, and
 * hands out a {@link DeviceHandle}. So implementations see only bios that lie inside the device and
 * are 512-byte aligned.
 *
 * <p>Threading: every method may be called from any thread, concurrently. {@link #submit} must
 * not block on I/O (it may take short locks); the bio completes later or before submit returns.
 */
public interface BlockDevice {

    /** Registry name, e.g. {@code tcmu000} or {@code drbd1}: also the FUSE node name under dev/. */
    String name();

    /** Size in bytes; a multiple of {@link #logicalBlockSize()}. May change (resize). */
    long capacity();

    /** The smallest unit a bio may address: 512 or 4096. */
    default int logicalBlockSize() {
        return Bio.SECTOR_SIZE;
    }

    /** The preferred I/O unit (reported as st_blksize and in SCSI block limits). */
    default int physicalBlockSize() {
        return logicalBlockSize();
    }

    /** Largest data bio the device takes in one piece; larger requests must be split by the caller. */
    default int maxTransferBytes() {
        return 1 << 20;
    }

    Set<DeviceCapability> capabilities();

    default boolean hasCapability(DeviceCapability c) {
        return capabilities().contains(c);
    }

    /**
     * Queue a bio. Called only through a {@link DeviceHandle}. Must complete the bio exactly once
     * with 0 or a positive errno, possibly on the calling thread before returning. Never throws
     * for I/O failures.
     */
    void submit(Bio bio);

    /**
     * Asked when a holder opens the device; a device may refuse with a positive errno (a DRBD
     * Secondary answers {@code EROFS} to a writer) or 0 to accept. Called without registry locks,
     * may block briefly (e.g. an auto-promote), never on data I/O.
     */
    default int onOpen(OpenMode mode, String holder) {
        return 0;
    }

    /** Called when a holder that {@link #onOpen opened} the device lets go. */
    default void onRelease(OpenMode mode, String holder) {
    }
}
