package io.scstdrbd.fuse.server;

import io.scstdrbd.fuse.transport.FuseChannel;
import io.scstdrbd.kernel.errno.Errno;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader threads: one per {@code /dev/fuse} descriptor, each reading a request into a pooled
 * buffer and dispatching it. A request that goes asynchronous takes its buffer along and the
 * reader continues with a fresh one, so readers never wait for I/O; the pool bound is the limit
 * of requests in flight. Readers end when the kernel reports ENODEV (unmounted).
 *
 * <p>Threading: start/await on the lifecycle thread; the owner callbacks on any thread.
 */
public final class FuseServer implements FuseRequest.RequestOwner {
    private static final Logger LOG = LoggerFactory.getLogger(FuseServer.class);

    private final Dispatcher dispatcher;
    private final BufferPool pool;
    private final List<Thread> readers = new ArrayList<>();
    private final AtomicInteger inflight = new AtomicInteger();
    private final RateLimitedLog warnings = new RateLimitedLog(LOG);
    private final Object idle = new Object();
    private final AtomicBoolean disconnected = new AtomicBoolean();
    private final Runnable onDisconnect;

    /**
     * @param maxBuffers   the most requests that can be read or in flight at once
     * @param onDisconnect runs once, on a reader thread, when the kernel ends the connection
     *                     (unmounted, by the daemon or from outside)
     */
    public FuseServer(Dispatcher dispatcher, int maxBuffers, Runnable onDisconnect) {
        this.dispatcher = dispatcher;
        this.pool = new BufferPool(maxBuffers, this);
        this.onDisconnect = onDisconnect;
    }

    /** Starts one reader per channel. */
    public synchronized void start(List<FuseChannel> channels) {
        for (int i = 0; i < channels.size(); i++) {
            FuseChannel ch = channels.get(i);
            Thread t = new Thread(() -> readLoop(ch), "fuse-reader-" + i);
            t.setDaemon(false);
            t.setUncaughtExceptionHandler((th, e) -> LOG.error("{} died", th.getName(), e));
            readers.add(t);
            t.start();
        }
    }

    private void readLoop(FuseChannel ch) {
        FuseRequest req = null;
        try {
            req = pool.take();
            while (true) {
                int n = req.readFrom(ch);
                if (n < 0) {
                    int e = -n;
                    if (e == Errno.EINTR || e == Errno.EAGAIN || e == Errno.ENOENT) {
                        continue;
                    }
                    if (e != Errno.ENODEV) {
                        LOG.error("reading FUSE requests from {} failed: {}", ch, Errno.name(e));
                    }
                    break;
                }
                if (dispatcher.dispatch(req)) {
                    req = pool.take();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (req != null) {
                pool.release(req);
            }
            dispatcher.close();
            if (disconnected.compareAndSet(false, true)) {
                onDisconnect.run();
            }
            LOG.debug("{} stopped", Thread.currentThread().getName());
        }
    }

    /** Waits for every reader to end; false if some are still running after {@code millis}. */
    public boolean awaitReaders(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        List<Thread> l;
        synchronized (this) {
            l = new ArrayList<>(readers);
        }
        for (Thread t : l) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return !t.isAlive();
            }
            t.join(left);
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** Names of readers still alive (shutdown diagnostics). */
    public synchronized List<String> liveReaders() {
        List<String> l = new ArrayList<>();
        for (Thread t : readers) {
            if (t.isAlive()) {
                l.add(t.getName());
            }
        }
        return l;
    }

    /** Waits until no request is in flight (all completions replied); false on timeout. */
    public boolean awaitIdle(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (idle) {
            while (inflight.get() > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                idle.wait(left);
            }
        }
        return true;
    }

    public int inflight() {
        return inflight.get();
    }

    /** Buffers allocated so far (memory diagnostics: stays at the peak concurrency). */
    public int buffersAllocated() {
        return pool.allocated();
    }

    @Override
    public void started(FuseRequest r) {
        inflight.incrementAndGet();
    }

    @Override
    public void finished(FuseRequest r) {
        pool.release(r);
        if (inflight.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    @Override
    public void replyFailed(FuseRequest r, int errno) {
        if (!FuseRequest.isHarmlessReplyError(errno)) {
            warnings.warn("reply" + errno, "FUSE reply to request {} (opcode {}) failed: {}", r.unique(), r.opcode(),
                    Errno.name(errno));
        }
    }
}
