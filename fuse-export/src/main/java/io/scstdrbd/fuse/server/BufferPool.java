package io.scstdrbd.fuse.server;

import java.util.ArrayDeque;

/**
 * A bounded pool of {@link FuseRequest} buffers (1 MiB + 28 KiB of direct memory each),
 * allocated on demand up to {@code max} and then reused, so memory stays flat under load. A
 * reader that finds none free waits: that is the back-pressure when {@code max} requests are in
 * flight. LIFO, so the most recently used (cache-warm) buffer is handed out first. Thread-safe.
 */
final class BufferPool {
    private final int max;
    private final FuseRequest.RequestOwner owner;
    private final ArrayDeque<FuseRequest> idle = new ArrayDeque<>();
    private int allocated;

    BufferPool(int max, FuseRequest.RequestOwner owner) {
        this.max = max;
        this.owner = owner;
    }

    FuseRequest take() throws InterruptedException {
        synchronized (this) {
            while (idle.isEmpty() && allocated >= max) {
                wait();
            }
            FuseRequest r = idle.pollFirst();
            if (r != null) {
                return r;
            }
            allocated++;
        }
        try {
            return new FuseRequest(owner);
        } catch (OutOfMemoryError e) {
            synchronized (this) {
                allocated--;
            }
            throw e;
        }
    }

    synchronized void release(FuseRequest r) {
        idle.addFirst(r);
        notify();
    }

    synchronized int allocated() {
        return allocated;
    }

    synchronized int idle() {
        return idle.size();
    }

    int max() {
        return max;
    }
}
