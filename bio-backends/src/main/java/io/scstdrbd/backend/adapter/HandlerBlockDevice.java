package io.scstdrbd.backend.adapter;

import io.scstdrbd.backend.spi.BackendCapability;
import io.scstdrbd.backend.spi.BackendDevice;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.workqueue.NamedThreadFactory;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a {@link BackendDevice} a {@link BlockDevice} (the original's bio_tcmur): bios become
 * handler calls, run inline for non-blocking handlers and on the handler's own threads otherwise.
 *
 * <p>Flag semantics: PREFLUSH flushes before the write; FUA asks the handler for a durable write
 * (not a pre-flush as the original did). DISCARD and WRITE_ZEROES reach the handler; if it cannot
 * do them the bio fails with EOPNOTSUPP, never a silent success.
 */
public final class HandlerBlockDevice implements BlockDevice {
    private static final Logger LOG = LoggerFactory.getLogger(HandlerBlockDevice.class);

    private final String name;
    private final String subtype;
    private final BackendDevice backend;
    private final Set<BackendCapability> backendCaps;
    private final Set<DeviceCapability> caps;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger inflight = new AtomicInteger();
    private final Object drained = new Object();
    private volatile boolean closed;

    public HandlerBlockDevice(String name, String subtype, BackendDevice backend) {
        this.name = name;
        this.subtype = subtype;
        this.backend = backend;
        this.backendCaps = EnumSet.copyOf(backend.capabilities());
        EnumSet<DeviceCapability> c = EnumSet.of(DeviceCapability.FUA);
        if (backendCaps.contains(BackendCapability.FLUSH)) {
            c.add(DeviceCapability.FLUSH);
        }
        if (backendCaps.contains(BackendCapability.UNMAP)) {
            c.add(DeviceCapability.DISCARD);
        }
        if (backendCaps.contains(BackendCapability.UNMAP_ZEROES)) {
            c.add(DeviceCapability.DISCARD_ZEROES);
        }
        if (backendCaps.contains(BackendCapability.WRITE_ZEROES)) {
            c.add(DeviceCapability.WRITE_ZEROES);
        }
        this.caps = c;
        if (backendCaps.contains(BackendCapability.NONBLOCKING)) {
            executor = null;
        } else {
            int n = Math.max(1, backend.threads());
            executor = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                    new NamedThreadFactory("tcmur-" + name, true));
        }
    }

    @Override
    public String name() {
        return name;
    }

    public String subtype() {
        return subtype;
    }

    public BackendDevice backend() {
        return backend;
    }

    @Override
    public long capacity() {
        return backend.size();
    }

    @Override
    public int physicalBlockSize() {
        return backend.blockSize();
    }

    @Override
    public int maxTransferBytes() {
        return backend.maxTransferBytes();
    }

    @Override
    public Set<DeviceCapability> capabilities() {
        return caps;
    }

    @Override
    public void submit(Bio bio) {
        // count first, then check: close() sets the flag, then waits for the count to drain
        inflight.incrementAndGet();
        if (closed) {
            ioDone();
            bio.complete(Errno.ENODEV);
            return;
        }
        if (executor == null) {
            execute(bio);
            return;
        }
        try {
            executor.execute(() -> execute(bio));
        } catch (RejectedExecutionException e) {
            ioDone();
            bio.complete(Errno.ENODEV);
        }
    }

    private void ioDone() {
        if (inflight.decrementAndGet() == 0 && closed) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    private void execute(Bio bio) {
        int err = 0;
        try {
            switch (bio.op()) {
                case READ:
                    backend.read(bio.offset(), bio.segments());
                    break;
                case WRITE:
                    if (bio.hasFlag(Bio.PREFLUSH)) {
                        backend.flush();
                    }
                    backend.write(bio.offset(), bio.segments(), bio.hasFlag(Bio.FUA));
                    break;
                case FLUSH:
                    backend.flush();
                    break;
                case DISCARD:
                    if (!backendCaps.contains(BackendCapability.UNMAP)) {
                        err = Errno.EOPNOTSUPP;
                        break;
                    }
                    backend.unmap(bio.offset(), bio.size());
                    break;
                case WRITE_ZEROES:
                    if (!backendCaps.contains(BackendCapability.WRITE_ZEROES)) {
                        err = Errno.EOPNOTSUPP;
                        break;
                    }
                    if (bio.hasFlag(Bio.PREFLUSH)) {
                        backend.flush();
                    }
                    backend.writeZeroes(bio.offset(), bio.size());
                    if (bio.hasFlag(Bio.FUA)) {
                        backend.flush();
                    }
                    break;
                default:
                    err = Errno.EOPNOTSUPP;
            }
        } catch (KernelException e) {
            LOG.warn("{}: {} failed: {}", name, bio, e.toString());
            err = e.errno();
        } catch (RuntimeException e) {
            LOG.error("{}: {} failed", name, bio, e);
            err = Errno.EIO;
        } finally {
            ioDone();
        }
        bio.complete(err);
    }

    /** Stops the I/O threads, waits for in-flight bios, and closes the backend (flushing it). */
    public void close() throws KernelException {
        closed = true;
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                    LOG.warn("{}: I/O threads did not stop within 60 s", name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (drained) {
            while (inflight.get() > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    LOG.warn("{}: {} I/O still in flight after 60 s; closing anyway", name, inflight.get());
                    break;
                }
                try {
                    drained.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        backend.close();
    }
}
