package io.scstdrbd.scst.exec;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Direct buffers for READ data, reused to spare the allocator: READ data goes from the backend
 * straight into these and the transport writes them to the socket, then gives them back through
 * the response's release callback. Buffers come in power-of-two classes from 4 KiB to 1 MiB;
 * larger transfers use several 1 MiB segments.
 *
 * <p>Threading: thread-safe and non-blocking.
 */
public final class BufferPool {
    static final int MIN_SHIFT = 12;
    static final int MAX_SHIFT = 20;
    /** Bytes kept idle per class at most. */
    private static final long IDLE_BYTES_PER_CLASS = 32L << 20;

    @SuppressWarnings("unchecked")
    private final ArrayBlockingQueue<ByteBuffer>[] classes = new ArrayBlockingQueue[MAX_SHIFT + 1];

    public BufferPool() {
        for (int s = MIN_SHIFT; s <= MAX_SHIFT; s++) {
            int n = (int) Math.max(8, IDLE_BYTES_PER_CLASS >> s);
            classes[s] = new ArrayBlockingQueue<>(n);
        }
    }

    /** Segments holding exactly {@code length} bytes (position 0, limit set), at most 1 MiB each. */
    public ByteBuffer[] allocate(long length) {
        int max = 1 << MAX_SHIFT;
        int n = (int) ((length + max - 1) / max);
        if (n <= 1) {
            return new ByteBuffer[] {get((int) length)};
        }
        ByteBuffer[] segs = new ByteBuffer[n];
        long left = length;
        for (int i = 0; i < n; i++) {
            int len = (int) Math.min(left, max);
            segs[i] = get(len);
            left -= len;
        }
        return segs;
    }

    /** One buffer of {@code length} bytes (at most 1 MiB). */
    public ByteBuffer get(int length) {
        int shift = Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(1, length) - 1));
        if (shift > MAX_SHIFT) {
            throw new IllegalArgumentException("buffer of " + length + " bytes is larger than a pool class");
        }
        ByteBuffer b = classes[shift].poll();
        if (b == null) {
            b = ByteBuffer.allocateDirect(1 << shift);
        }
        b.clear();
        b.limit(length);
        return b;
    }

    /** Gives buffers back (extra ones are left to the garbage collector). */
    public void release(ByteBuffer[] segs) {
        if (segs == null) {
            return;
        }
        for (ByteBuffer b : segs) {
            int cap = b.capacity();
            if (Integer.bitCount(cap) == 1) {
                int shift = Integer.numberOfTrailingZeros(cap);
                if (shift >= MIN_SHIFT && shift <= MAX_SHIFT && b.isDirect()) {
                    classes[shift].offer(b);
                }
            }
        }
    }

    /** A release callback for a response carrying {@code segs}. */
    public Runnable releaser(ByteBuffer[] segs) {
        return () -> release(segs);
    }
}
