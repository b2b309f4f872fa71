package io.scstdrbd.kernel.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeviceRegistryTest {
    private final DeviceRegistry reg = new DeviceRegistry("/UMCfuse");

    @Test
    void secondWriterGetsEbusyReadersStayAllowed() throws Exception {
        reg.register(new MemoryDevice("tcmu001", 8192));
        DeviceHandle w = reg.open("tcmu001", OpenMode.READ_WRITE, "drbd r0");
        KernelException e = assertThrows(KernelException.class,
                () -> reg.open("tcmu001", OpenMode.READ_WRITE, "fuse"));
        assertEquals(Errno.EBUSY, e.errno());
        assertTrue(e.getMessage().contains("drbd r0"), e.getMessage());
        // the holder as it was at the refusal, for callers that wait for one kind of holder
        assertEquals("drbd r0", ((DeviceBusyException) e).holder());
        DeviceHandle r = reg.open("tcmu001", OpenMode.READ, "fuse");
        assertEquals("drbd r0", reg.writerOf("tcmu001"));
        w.close();
        w.close(); // idempotent
        DeviceHandle w2 = reg.open("tcmu001", OpenMode.READ_WRITE, "fuse");
        assertEquals(2, reg.openCount("tcmu001"));
        w2.close();
        r.close();
        assertEquals(0, reg.openCount("tcmu001"));
    }

    @Test
    void duplicateNamesAndBadNamesAreRefused() throws Exception {
        reg.register(new MemoryDevice("a", 512));
        assertEquals(Errno.EEXIST, assertThrows(KernelException.class,
                () -> reg.register(new MemoryDevice("a", 512))).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                () -> reg.register(new MemoryDevice("../x", 512))).errno());
    }

    @Test
    void openDeviceCannotBeUnregistered() throws Exception {
        List<String> events = new ArrayList<>();
        reg.addListener(new DeviceListener() {
            @Override
            public void added(BlockDevice d) {
                events.add("+" + d.name());
            }

            @Override
            public void removed(BlockDevice d) {
                events.add("-" + d.name());
            }
        });
        reg.register(new MemoryDevice("d", 4096));
        DeviceHandle h = reg.open("d", OpenMode.READ, "t");
        assertEquals(Errno.EBUSY, assertThrows(KernelException.class, () -> reg.unregister("d")).errno());
        h.close();
        reg.unregister("d");
        assertFalse(reg.lookup("d").isPresent());
        assertEquals(List.of("+d", "-d"), events);
        assertEquals(Errno.ENOENT, assertThrows(KernelException.class,
                () -> reg.open("d", OpenMode.READ, "t")).errno());
    }

    @Test
    void deviceMayRefuseAnOpenAndTheClaimIsRolledBack() throws Exception {
        MemoryDevice d = new MemoryDevice("drbd1", 4096);
        d.refuseOpen = Errno.EROFS;
        reg.register(d);
        assertEquals(Errno.EROFS, assertThrows(KernelException.class,
                () -> reg.open("drbd1", OpenMode.READ_WRITE, "fuse")).errno());
        assertEquals(null, reg.writerOf("drbd1"));
        d.refuseOpen = 0;
        reg.open("drbd1", OpenMode.READ_WRITE, "fuse").close();
    }

    @Test
    void handleChecksAccessAlignmentAndRange() throws Exception {
        reg.register(new MemoryDevice("m", 8192));
        DeviceHandle r = reg.open("m", OpenMode.READ, "t");
        AtomicInteger err = new AtomicInteger(-1);
        r.submit(Bio.write(0, ByteBuffer.allocate(512), 0, (b, e) -> err.set(e)));
        assertEquals(Errno.EBADF, err.get());
        r.submit(Bio.read(15, ByteBuffer.allocate(1024), (b, e) -> err.set(e)));
        assertEquals(Errno.EIO, err.get(), "past the end");
        r.submit(Bio.read(0, ByteBuffer.allocate(100), (b, e) -> err.set(e)));
        assertEquals(Errno.EINVAL, err.get(), "unaligned length");
        r.submit(Bio.read(15, ByteBuffer.allocate(512), (b, e) -> err.set(e)));
        assertEquals(0, err.get(), "last sector");
        r.close();
        r.submit(Bio.read(0, ByteBuffer.allocate(512), (b, e) -> err.set(e)));
        assertEquals(Errno.EBADF, err.get(), "closed handle");
    }

    @Test
    void oversizedBiosAreSplitAndCompleteOnce() throws Exception {
        MemoryDevice d = new MemoryDevice("s", 64 * 1024);
        d.maxTransfer = 4096;
        reg.register(d);
        DeviceHandle h = reg.open("s", OpenMode.READ_WRITE, "t");
        byte[] pattern = new byte[3 * 4096 + 1024];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 7);
        }
        // two segments with an odd boundary
        ByteBuffer a = ByteBuffer.wrap(pattern, 0, 5000).slice();
        ByteBuffer b = ByteBuffer.wrap(pattern, 5000, pattern.length - 5000).slice();
        AtomicInteger completions = new AtomicInteger();
        h.submit(Bio.write(2, new ByteBuffer[] {a, b}, Bio.FUA, (bio, e) -> {
            assertEquals(0, e);
            completions.incrementAndGet();
        }));
        assertEquals(1, completions.get());
        assertEquals(4, d.seen.size());
        assertTrue(d.seen.get(3).hasFlag(Bio.FUA));
        assertFalse(d.seen.get(0).hasFlag(Bio.FUA));
        byte[] stored = new byte[pattern.length];
        System.arraycopy(d.data, 1024, stored, 0, stored.length);
        assertArrayEquals(pattern, stored);
        ByteBuffer back = ByteBuffer.allocate(pattern.length);
        BlockIo.readFully(h, 1024, back);
        assertArrayEquals(pattern, back.array());
        assertEquals(0, a.position(), "segment positions untouched");
    }

    @Test
    void resolvesPathsUnderTheFuseRoot() throws Exception {
        reg.register(new MemoryDevice("drbd1", 512));
        assertEquals("drbd1", reg.resolvePath("/UMCfuse/dev/drbd1").orElseThrow());
        assertEquals("drbd1", reg.resolvePath("drbd1").orElseThrow());
        assertFalse(reg.resolvePath("/UMCfuse/dev/nothing").isPresent());
        assertFalse(reg.resolvePath("/var/lib/disk.img").isPresent());
    }

    @Test
    void doubleCompletionIsDetected() {
        Bio bio = Bio.flush((b, e) -> { });
        bio.complete(0);
        assertThrows(IllegalStateException.class, () -> bio.complete(0));
    }
}
