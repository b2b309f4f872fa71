package io.scstdrbd.kernel.workqueue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Factory and owner of the process's work queues (the kernel's alloc_workqueue). All ordered
 * queues share one elastic thread pool whose idle threads die after a minute, so an idle daemon
 * keeps few threads and {@link #shutdown} leaves none.
 */
public final class WorkQueues implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final Set<OrderedWorkQueue> queues = ConcurrentHashMap.newKeySet();

    public WorkQueues() {
        pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new NamedThreadFactory("kworker", true));
    }

    /** A new queue whose items run one at a time, in submission order. */
    public OrderedWorkQueue createOrdered(String name) {
        OrderedWorkQueue q = new OrderedWorkQueue(name, pool, queues::remove);
        queues.add(q);
        return q;
    }

    /** The shared pool, for unordered background work. */
    public ExecutorService pool() {
        return pool;
    }

    /** Stops every queue (pending items still run) and waits up to {@code millis} for the threads. */
    public boolean shutdown(long millis) throws InterruptedException {
        for (OrderedWorkQueue q : queues) {
            q.destroy();
        }
        pool.shutdown();
        return pool.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            if (!shutdown(10_000)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }
}
