package io.scstdrbd.kernel.workqueue;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Timers (the kernel's timer_list / delayed work). One scheduler thread fires them; the
 * handler runs on that thread, so handlers must be short and must not block (queue work instead).
 */
public final class KernelTimers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelTimers.class);
    private final ScheduledThreadPoolExecutor scheduler;

    public KernelTimers() {
        scheduler = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("ktimer", true));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** A new, unarmed timer that runs {@code handler} when it expires. */
    public Timer create(String name, Runnable handler) {
        return new Timer(name, handler);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One re-armable timer. Race-free: every arm gets a new generation number and an expiry only
     * runs the handler if its generation is still current, so a timer re-armed or deleted while
     * its old expiry was already firing never runs a stale handler.
     */
    public final class Timer {
        private final String name;
        private final Runnable handler;
        private long generation;
        private ScheduledFuture<?> pending;
        private boolean firing;
        private Thread firingThread;

        private Timer(String name, Runnable handler) {
            this.name = name;
            this.handler = handler;
        }

        /** Arms (or re-arms) the timer to fire after {@code delayMillis} (mod_timer). */
        public synchronized void mod(long delayMillis) {
            cancelPending();
            long gen = ++generation;
            if (scheduler.isShutdown()) {
                return;
            }
            pending = scheduler.schedule(() -> fire(gen), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        }

        /** Disarms; returns true if it was armed (del_timer). The handler may still be running. */
        public synchronized boolean del() {
            boolean was = pending != null;
            cancelPending();
            generation++;
            return was;
        }

        /** Disarms and waits for a running handler to finish (del_timer_sync). */
        public synchronized boolean delSync() throws InterruptedException {
            boolean was = del();
            while (firing && firingThread != Thread.currentThread()) {
                wait();
            }
            return was;
        }

        public synchronized boolean isPending() {
            return pending != null;
        }

        private void cancelPending() {
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
        }

        private void fire(long gen) {
            synchronized (this) {
                if (gen != generation) {
                    return;
                }
                pending = null;
                firing = true;
                firingThread = Thread.currentThread();
            }
            try {
                handler.run();
            } catch (RuntimeException | Error e) {
                LOG.error("timer {} handler failed", name, e);
            } finally {
                synchronized (this) {
                    firing = false;
                    firingThread = null;
                    notifyAll();
                }
            }
        }

        @Override
        public String toString() {
            return "Timer[" + name + "]";
        }
    }
}
