package io.scstdrbd.fuse.transport;

import java.nio.ByteBuffer;

/**
 * One connection end to the kernel's FUSE driver: a {@code /dev/fuse} file descriptor (the
 * mount's own, or a clone). Kept small so the request handling can be tested without a kernel.
 *
 * <p>Threading: {@link #read} is called by one reader thread at a time and blocks until the
 * kernel has a request. {@link #write} may be called from any thread, concurrently; each call
 * sends one whole message. A reply must go to the channel its request was read from (the kernel
 * looks the request up in that descriptor's processing queue); notifications may use any.
 *
 * <p>Ownership: buffers are only read or filled between position and limit during the call;
 * positions and limits are not moved and no reference is kept.
 */
public interface FuseChannel extends AutoCloseable {

    /**
     * Reads one request into {@code dst} (a direct buffer) from its position on.
     *
     * @return the request's length, or a negative errno: -EINTR/-EAGAIN/-ENOENT (try again),
     *         -ENODEV (the file system was unmounted: stop reading)
     */
    int read(ByteBuffer dst);

    /**
     * Writes one message gathered from {@code parts[0..count)}.
     *
     * @return 0, or a positive errno: ENOENT means the request was interrupted (ignore it),
     *         ENODEV means the connection is gone
     */
    int write(ByteBuffer[] parts, int count);

    /** Closes the descriptor. Idempotent. */
    @Override
    void close();
}
