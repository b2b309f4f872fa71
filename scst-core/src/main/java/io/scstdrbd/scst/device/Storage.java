package io.scstdrbd.scst.device;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.DeviceCapability;
import java.util.Set;

/**
 * What a vdisk stores its blocks on: an in-process block device (BLOCKIO), a file or real
 * device (FILEIO), or nothing (NULLIO). Requests are {@link Bio}s in 512-byte sectors.
 *
 * <p>Threading: {@link #submit} may be called from any thread, never blocks, and completes the
 * bio exactly once (possibly before returning). Ownership: the bio's segments belong to the
 * caller again once the bio completes.
 */
public interface Storage extends AutoCloseable {

    /** Size in bytes (may change: resize). */
    long capacity();

    /** FLUSH, DISCARD, DISCARD_ZEROES, WRITE_ZEROES, READ_ONLY as the backend offers them. */
    Set<DeviceCapability> capabilities();

    /** Preferred I/O unit in bytes (a RAM or 4Kn backend: 4096); at least 512. */
    default int physicalBlockSize() {
        return Bio.SECTOR_SIZE;
    }

    void submit(Bio bio);

    /** Short description for listings (the path). */
    String describe();

    /** Releases the backend; in-flight bios still complete. */
    @Override
    void close();
}
