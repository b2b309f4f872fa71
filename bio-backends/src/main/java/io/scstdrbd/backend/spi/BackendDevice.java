package io.scstdrbd.backend.spi;

import io.scstdrbd.kernel.errno.KernelException;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * One opened storage unit of a {@link BackendHandler} (tcmu-runner's {@code struct tcmu_device}
 * with its handler callouts).
 *
 * <p>Threading: the adapter calls the I/O methods from at most {@link #threads()} threads at once
 * (from any thread if {@link BackendCapability#NONBLOCKING}); they are blocking calls that return
 * when the operation is done and report failures as {@link KernelException} with an errno.
 * {@link #close} is called once, after all I/O has finished.
 *
 * <p>Ownership: the buffers passed in belong to the caller; use their bytes between position and
 * limit with absolute operations and keep no reference after returning.
 */
public interface BackendDevice extends AutoCloseable {

    /** Usable size in bytes (a multiple of {@link #blockSize()}). */
    long size();

    /** Preferred I/O unit in bytes (power of two, at least 512). */
    int blockSize();

    /** Largest single read or write the device takes. */
    default int maxTransferBytes() {
        return 1 << 20;
    }

    Set<BackendCapability> capabilities();

    /** How many I/O calls may run in parallel (tcmu-runner's nr_threads); ignored if NONBLOCKING. */
    default int threads() {
        return 1;
    }

    /** Fills {@code dst} buffers from {@code offset} on. */
    void read(long offset, ByteBuffer[] dst) throws KernelException;

    /** Stores {@code src} at {@code offset}; with {@code fua} the data is durable when this returns. */
    void write(long offset, ByteBuffer[] src, boolean fua) throws KernelException;

    /** Makes all completed writes durable (optional: a no-op without {@link BackendCapability#FLUSH}). */
    void flush() throws KernelException;

    /** Frees a range (optional: only called with {@link BackendCapability#UNMAP}). */
    default void unmap(long offset, long length) throws KernelException {
        throw new KernelException(io.scstdrbd.kernel.errno.Errno.EOPNOTSUPP, "unmap not supported");
    }

    /** Makes a range read as zeroes (optional: only called with {@link BackendCapability#WRITE_ZEROES}). */
    default void writeZeroes(long offset, long length) throws KernelException {
        throw new KernelException(io.scstdrbd.kernel.errno.Errno.EOPNOTSUPP, "write-zeroes not supported");
    }

    /** A one-line description for listings, e.g. {@code ram /tmp/cfg1 (mmap)}. */
    String describe();

    /** Flushes and releases the storage. */
    @Override
    void close() throws KernelException;
}
