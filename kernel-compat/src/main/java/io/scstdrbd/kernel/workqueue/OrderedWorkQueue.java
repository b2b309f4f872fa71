package io.scstdrbd.kernel.workqueue;

import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A work queue whose items run one after another in submission order (the kernel's ordered
 * workqueue), on borrowed pool threads. Thread-safe. Items must not wait for later items of the
 * same queue (they would deadlock, as in the kernel).
 */
public final class OrderedWorkQueue implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(OrderedWorkQueue.class);

    private final String name;
    private final Executor pool;
    private final Consumer<OrderedWorkQueue> onDestroy;
    private final ArrayDeque<Runnable> items = new ArrayDeque<>();
    private boolean running;
    private boolean destroyed;
    private Thread current;

    OrderedWorkQueue(String name, Executor pool, Consumer<OrderedWorkQueue> onDestroy) {
        this.name = name;
        this.pool = pool;
        this.onDestroy = onDestroy;
    }

    public String name() {
        return name;
    }

    /** Queues an item; rejected after {@link #destroy}. */
    @Override
    public void execute(Runnable work) {
        queue(work);
    }

    /** Queues an item; returns false (and drops it) after {@link #destroy}. */
    public boolean queue(Runnable work) {
        synchronized (this) {
            if (destroyed) {
                return false;
            }
            items.add(work);
            if (running) {
                return true;
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                running = false;
                items.clear();
            }
            return false;
        }
        return true;
    }

    private void drain() {
        String oldName = Thread.currentThread().getName();
        Thread.currentThread().setName(oldName + "/" + name);
        try {
            while (true) {
                Runnable r;
                synchronized (this) {
                    r = items.poll();
                    if (r == null) {
                        running = false;
                        current = null;
                        notifyAll();
                        return;
                    }
                    current = Thread.currentThread();
                }
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    LOG.error("work item on {} failed", name, e);
                }
            }
        } finally {
            Thread.currentThread().setName(oldName);
        }
    }

    /** True if the calling thread is running an item of this queue. */
    public synchronized boolean inQueue() {
        return current == Thread.currentThread();
    }

    /** Waits until everything queued before this call has run (flush_workqueue). */
    public void flush() throws InterruptedException {
        if (inQueue()) {
            throw new IllegalStateException("flush of " + name + " from its own work item");
        }
        CountDownLatch done = new CountDownLatch(1);
        if (!queue(done::countDown)) {
            synchronized (this) {
                while (running) {
                    wait();
                }
            }
            return;
        }
        done.await();
    }

    /** Refuses new items; items already queued still run. */
    public void destroy() {
        synchronized (this) {
            destroyed = true;
        }
        onDestroy.accept(this);
    }
}
