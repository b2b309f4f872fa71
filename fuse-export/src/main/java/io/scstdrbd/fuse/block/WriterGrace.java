package io.scstdrbd.fuse.block;

import io.scstdrbd.kernel.block.DeviceBusyException;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.DeviceRegistry;
import io.scstdrbd.kernel.block.FuseOpeners;
import io.scstdrbd.kernel.block.OpenMode;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.workqueue.KernelTimers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Opens block devices for FUSE, with a grace period for FUSE-vs-FUSE writer conflicts.
 *
 * <p>Why: the kernel sends RELEASE for a plain FUSE mount asynchronously, after close(2) has
 * returned, so a program that closes a block node and opens it again for writing (mkfs then
 * mount, dd then dd) would see a spurious EBUSY from its own previous open. When the current
 * writer is a FUSE holder, the open waits (without blocking any thread) until that holder's
 * release or until the grace period ends. Conflicts with other holders (DRBD, a SCSI LUN) fail
 * at once, as the kernel's exclusive opens do.
 *
 * <p>Threading: thread-safe; completions run on the calling thread, on the thread releasing the
 * previous FUSE writer, or on the timer thread.
 */
public final class WriterGrace {
    /** Outcome of an open. Exactly one method is called, once. */
    public interface OpenDone {
        void opened(DeviceHandle handle);

        void failed(KernelException error);
    }

    private final DeviceRegistry registry;
    private final KernelTimers timers;
    private final LongSupplier graceMillis;
    private final Map<String, List<Waiter>> waiters = new HashMap<>();

    /** @param graceMillis read on every conflicting open, so a module parameter can change it at run time */
    public WriterGrace(DeviceRegistry registry, KernelTimers timers, LongSupplier graceMillis) {
        this.registry = registry;
        this.timers = timers;
        this.graceMillis = graceMillis;
    }

    private final class Waiter {
        final String name;
        final OpenMode mode;
        final String holder;
        final OpenDone done;
        KernelTimers.Timer timer;
        boolean finished;

        Waiter(String name, OpenMode mode, String holder, OpenDone done) {
            this.name = name;
            this.mode = mode;
            this.holder = holder;
            this.done = done;
        }
    }

    /** Opens {@code name}; {@code done} runs now or, for a FUSE writer conflict, within the grace period. */
    public void open(String name, OpenMode mode, String holder, OpenDone done) {
        try {
            done.opened(registry.open(name, mode, holder));
            return;
        } catch (KernelException e) {
            if (!(e instanceof DeviceBusyException busy) || !mode.writable() || graceMillis.getAsLong() <= 0
                    || !FuseOpeners.isFuseOpener(busy.holder())) {
                done.failed(e);
                return;
            }
        }
        Waiter w = new Waiter(name, mode, holder, done);
        synchronized (this) {
            waiters.computeIfAbsent(name, k -> new ArrayList<>()).add(w);
            w.timer = timers.create("fuse-open-grace " + name, () -> expire(w));
            w.timer.mod(graceMillis.getAsLong());
        }
        // the previous writer may have gone between the failed open and the registration
        retry(name);
    }

    /** A FUSE writer of {@code name} let go: start the opens waiting for it. */
    public void released(String name) {
        retry(name);
    }

    private void retry(String name) {
        while (true) {
            Waiter w;
            synchronized (this) {
                List<Waiter> l = waiters.get(name);
                if (l == null || l.isEmpty()) {
                    return;
                }
                w = l.get(0);
            }
            DeviceHandle h;
            try {
                h = registry.open(name, w.mode, w.holder);
            } catch (KernelException e) {
                if (e instanceof DeviceBusyException busy && FuseOpeners.isFuseOpener(busy.holder())) {
                    return; // still held by a FUSE writer: its release or the timer comes back here
                }
                if (finish(w)) {
                    w.done.failed(e);
                }
                continue;
            }
            if (finish(w)) {
                w.done.opened(h);
            } else {
                h.close(); // the timer gave up on this open meanwhile
            }
        }
    }

    private void expire(Waiter w) {
        if (!finish(w)) {
            return;
        }
        try {
            w.done.opened(registry.open(w.name, w.mode, w.holder));
        } catch (KernelException e) {
            w.done.failed(e);
        }
    }

    /** Removes a waiter; true for the one caller that gets to complete it. */
    private synchronized boolean finish(Waiter w) {
        if (w.finished) {
            return false;
        }
        w.finished = true;
        w.timer.del();
        List<Waiter> l = waiters.get(w.name);
        if (l != null) {
            for (Iterator<Waiter> it = l.iterator(); it.hasNext(); ) {
                if (it.next() == w) {
                    it.remove();
                }
            }
            if (l.isEmpty()) {
                waiters.remove(w.name);
            }
        }
        return true;
    }

    /** Opens still waiting (diagnostics and tests). */
    public synchronized int waiting() {
        int n = 0;
        for (List<Waiter> l : waiters.values()) {
            n += l.size();
        }
        return n;
    }

    /** Fails every waiting open with ENODEV (shutdown). */
    public void cancelAll() {
        List<Waiter> all = new ArrayList<>();
        synchronized (this) {
            for (List<Waiter> l : waiters.values()) {
                all.addAll(l);
            }
        }
        for (Waiter w : all) {
            if (finish(w)) {
                w.done.failed(new KernelException(Errno.ENODEV, "the FUSE tree is shutting down"));
            }
        }
    }
}
