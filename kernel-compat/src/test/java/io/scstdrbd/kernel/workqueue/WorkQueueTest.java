package io.scstdrbd.kernel.workqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    @Test
    void orderedQueueRunsInOrderAndFlushWaits() throws Exception {
        try (WorkQueues wqs = new WorkQueues()) {
            OrderedWorkQueue q = wqs.createOrdered("test");
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 1000; i++) {
                int n = i;
                q.queue(() -> order.add(n));
            }
            q.flush();
            assertEquals(1000, order.size());
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, order.get(i));
            }
            q.destroy();
            assertFalse(q.queue(() -> { }));
        }
    }

    @Test
    void shutdownLeavesNoThreads() throws Exception {
        WorkQueues wqs = new WorkQueues();
        OrderedWorkQueue q = wqs.createOrdered("t2");
        CountDownLatch ran = new CountDownLatch(1);
        q.queue(ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        assertTrue(wqs.shutdown(5000));
        Thread.sleep(50);
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("kworker")));
    }

    @Test
    void timerReArmAndDeleteNeverRunStaleHandlers() throws Exception {
        try (KernelTimers timers = new KernelTimers()) {
            AtomicInteger fired = new AtomicInteger();
            KernelTimers.Timer t = timers.create("t", fired::incrementAndGet);
            // occupy the single timer thread so t's expiries queue up behind it
            CountDownLatch blocking = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            KernelTimers.Timer blocker = timers.create("blocker", () -> {
                blocking.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            blocker.mod(0);
            assertTrue(blocking.await(5, TimeUnit.SECONDS));
            for (int i = 0; i < 200; i++) {
                t.mod(0);
                t.del();
            }
            release.countDown();
            Thread.sleep(100);
            assertEquals(0, fired.get(), "a deleted timer's queued expiry must not run");
            t.mod(10);
            t.mod(20);
            Thread.sleep(200);
            assertEquals(1, fired.get());
            assertFalse(t.isPending());
        }
    }
}
