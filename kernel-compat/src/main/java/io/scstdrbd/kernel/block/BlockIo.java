package io.scstdrbd.kernel.block;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Blocking and future-based conveniences over {@link DeviceHandle#submit} for management code
 * and tests (metadata reads, superblock writes). Never use the blocking forms on an event loop.
 */
public final class BlockIo {
    private BlockIo() {
    }

    /** Submits the bio built by {@code factory} and completes the future with its errno (0 = ok). */
    public static CompletableFuture<Integer> submit(DeviceHandle h, Function<BioCallback, Bio> factory) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        h.submit(factory.apply((bio, errno) -> f.complete(errno)));
        return f;
    }

    public static void readFully(DeviceHandle h, long offset, ByteBuffer dst) throws KernelException {
        await(submit(h, cb -> Bio.read(offset >>> Bio.SECTOR_SHIFT, new ByteBuffer[] {dst}, Bio.SYNC, cb)),
                "read");
    }

    public static void writeFully(DeviceHandle h, long offset, ByteBuffer src, int flags) throws KernelException {
        await(submit(h, cb -> Bio.write(offset >>> Bio.SECTOR_SHIFT, new ByteBuffer[] {src}, flags | Bio.SYNC, cb)),
                "write");
    }

    public static void flush(DeviceHandle h) throws KernelException {
        await(submit(h, Bio::flush), "flush");
    }

    /** Waits for the errno future; a non-zero errno becomes a KernelException. */
    public static void await(CompletableFuture<Integer> f, String what) throws KernelException {
        int errno;
        try {
            errno = f.get(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException(Errno.EINTR, what + " interrupted");
        } catch (ExecutionException e) {
            throw new KernelException(Errno.EIO, what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new KernelException(Errno.ETIMEDOUT, what + " timed out");
        }
        if (errno != 0) {
            throw new KernelException(errno, what + " failed: " + Errno.name(errno));
        }
    }
}
