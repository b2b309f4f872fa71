package io.scstdrbd.fuse.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.fuse.TestDevice;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.DeviceRegistry;
import io.scstdrbd.kernel.block.OpenMode;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.workqueue.KernelTimers;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriterGraceTest {
    private final DeviceRegistry reg = new DeviceRegistry("/UMCfuse");
    private final KernelTimers timers = new KernelTimers();
    private final AtomicLong grace = new AtomicLong(2000);
    private final WriterGrace opens = new WriterGrace(reg, timers, grace::get);

    @AfterEach
    void stop() {
        timers.close();
    }

    /** The outcome of one open: the handle or the errno. */
    private static final class Outcome extends CompletableFuture<Object> implements WriterGrace.OpenDone {
        @Override
        public void opened(DeviceHandle handle) {
            complete(handle);
        }

        @Override
        public void failed(KernelException error) {
            complete(error.errno());
        }
    }

    private Outcome open(String holder, OpenMode mode) {
        Outcome o = new Outcome();
        opens.open("d", mode, holder, o);
        return o;
    }

    @Test
    void secondFuseWriterWaitsForTheFirstOnesRelease() throws Exception {
        reg.register(new TestDevice("d", 4096));
        DeviceHandle first = (DeviceHandle) open("fuse pid 1 (mkfs)", OpenMode.READ_WRITE).get();
        Outcome second = open("fuse pid 2 (mount)", OpenMode.READ_WRITE);
        assertFalse(second.isDone(), "waits instead of failing");
        assertEquals(1, opens.waiting());
        Outcome reader = open("fuse pid 3 (blkid)", OpenMode.READ);
        assertTrue(reader.get() instanceof DeviceHandle, "readers never wait");
        first.close();
        opens.released("d");
        Object h = second.get(1, TimeUnit.SECONDS);
        assertTrue(h instanceof DeviceHandle);
        assertEquals("fuse pid 2 (mount)", reg.writerOf("d"));
        assertEquals(0, opens.waiting());
    }

    @Test
    void fuseWriterThatStaysGivesEbusyAfterTheGrace() throws Exception {
        reg.register(new TestDevice("d", 4096));
        grace.set(300);
        open("fuse pid 1 (dd)", OpenMode.READ_WRITE).get();
        long t0 = System.nanoTime();
        assertEquals(Errno.EBUSY, open("fuse pid 2 (dd)", OpenMode.READ_WRITE).get(5, TimeUnit.SECONDS));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms >= 250 && ms < 3000, "failed after the grace: " + ms + " ms");
        grace.set(0);
        t0 = System.nanoTime();
        assertEquals(Errno.EBUSY, open("fuse pid 3 (dd)", OpenMode.READ_WRITE).get(5, TimeUnit.SECONDS));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 200, "grace 0 fails at once");
    }

    @Test
    void conflictWithANonFuseHolderFailsAtOnce() throws Exception {
        reg.register(new TestDevice("d", 4096));
        reg.open("d", OpenMode.READ_WRITE, "drbd r0/0");
        Outcome o = open("fuse pid 2 (mount)", OpenMode.READ_WRITE);
        assertTrue(o.isDone(), "no waiting for DRBD or SCST holders");
        assertEquals(Errno.EBUSY, o.get());
        Outcome missing = new Outcome();
        opens.open("nosuch", OpenMode.READ_WRITE, "fuse pid 9 (x)", missing);
        assertEquals(Errno.ENOENT, missing.get(), "other errors pass through at once");
    }

    /** A device whose own open hook says EBUSY the first {@code busy} times, with no writer at all. */
    private static BlockDevice busyHook(int busy, AtomicInteger calls) {
        TestDevice inner = new TestDevice("d", 4096);
        return new BlockDevice() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public long capacity() {
                return inner.capacity();
            }

            @Override
            public Set<DeviceCapability> capabilities() {
                return inner.capabilities();
            }

            @Override
            public void submit(Bio bio) {
                inner.submit(bio);
            }

            @Override
            public int onOpen(OpenMode mode, String holder) {
                return calls.incrementAndGet() <= busy ? Errno.EBUSY : 0;
            }
        };
    }

    @Test
    void devicesOwnBusyIsNotAWriterConflictAndFailsAtOnce() throws Exception {
        // the grace is for a FUSE writer's release; a device that refuses by itself has none to wait for
        AtomicInteger calls = new AtomicInteger();
        reg.register(busyHook(Integer.MAX_VALUE, calls));
        Outcome o = open("fuse pid 2 (dd)", OpenMode.READ_WRITE);
        assertTrue(o.isDone(), "no writer to wait for: no grace period");
        assertEquals(Errno.EBUSY, o.get());
        assertEquals(1, calls.get());
        assertEquals(0, opens.waiting());
    }

    @Test
    void cancelAllFailsWaitersWithEnodev() throws Exception {
        reg.register(new TestDevice("d", 4096));
        open("fuse pid 1 (a)", OpenMode.READ_WRITE).get();
        Outcome waiting = open("fuse pid 2 (b)", OpenMode.READ_WRITE);
        opens.cancelAll();
        assertEquals(Errno.ENODEV, waiting.get(1, TimeUnit.SECONDS));
        assertEquals(0, opens.waiting());
    }
}
