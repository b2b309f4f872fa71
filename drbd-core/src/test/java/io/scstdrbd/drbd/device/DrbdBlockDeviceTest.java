package io.scstdrbd.drbd.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.drbd.model.AdmTarget;
import io.scstdrbd.drbd.model.Device;
import io.scstdrbd.drbd.model.ModelEvents;
import io.scstdrbd.drbd.netlink.Tlas;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.testutil.FileBlockDevice;
import io.scstdrbd.drbd.testutil.ModelFixture;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BlockIo;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.OpenMode;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrbdBlockDeviceTest {
    static final long SIZE = 64L << 20;

    @TempDir
    Path tmp;

    private static void primary(ModelFixture f) throws Exception {
        f.node.setRole(f.target(-1, "r0", null, null, AdmTarget.NEED_RESOURCE), Role.PRIMARY, true);
    }

    private static ByteBuffer pattern(int len, int seed) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return ByteBuffer.wrap(b);
    }

    @Test
    void writesLandOnTheBackingDeviceAndAreMarkedForTheAbsentPeer() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            FileBlockDevice back = f.disk("tcmu001", SIZE);
            Device d = f.up("r0", 1, "tcmu001", true, null);
            primary(f);
            try (DeviceHandle h = f.registry.open("drbd1", OpenMode.READ_WRITE, "test")) {
                assertEquals(d.sizeSectors() << 9, h.device().capacity());
                BlockIo.writeFully(h, 8192, pattern(12288, 1), 0);
                BlockIo.writeFully(h, 40L << 20, pattern(4096, 2), 0);
                int fua = back.fuaWrites.get();
                BlockIo.writeFully(h, 65536, pattern(4096, 5), Bio.FUA); // a hot extent: no AL write
                assertEquals(fua + 1, back.fuaWrites.get(), "FUA reaches the backing device");
                ByteBuffer back1 = ByteBuffer.allocate(12288);
                BlockIo.readFully(h, 8192, back1);
                assertArrayEquals(pattern(12288, 1).array(), back1.array());
                // the same bytes are at the same place of the backing device (data starts at sector 0)
                try (DeviceHandle raw = f.registry.open("tcmu001", OpenMode.READ, "raw")) {
                    ByteBuffer b = ByteBuffer.allocate(4096);
                    BlockIo.readFully(raw, 40L << 20, b);
                    assertArrayEquals(pattern(4096, 2).array(), b.array());
                }
                int flushes = back.flushes.get();
                BlockIo.flush(h);
                assertTrue(back.flushes.get() > flushes, "flush reaches the backing device");
            }
            var bm = d.ldev().md().bitmap();
            assertEquals(3 + 1 + 1, bm.count(0), "every 4 KiB block written, for peer 1");
            assertTrue(bm.test(0, 2) && bm.test(0, 4) && !bm.test(0, 5) && bm.test(0, 16)
                    && bm.test(0, (40L << 20) / 4096));
            assertEquals(40, d.writtenSectors.get());
            assertEquals(2, d.ldev().md().alWrites(), "two cold extents, two AL transactions");
        }
    }

    @Test
    void zeroingAWholeDeviceWorksWithTheSmallestActivityLog() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            f.disk("tcmu001", 1L << 30);
            Device d = f.up("r0", 1, "tcmu001", false, Tlas.DISK_CONF.empty().with("al_extents", 67L));
            primary(f);
            try (DeviceHandle h = f.registry.open("drbd1", OpenMode.READ_WRITE, "test")) {
                assertTrue(h.device().hasCapability(DeviceCapability.WRITE_ZEROES));
                var done = BlockIo.submit(h, cb -> Bio.writeZeroes(0, d.sizeSectors() << 9, 0, cb));
                assertEquals(0, done.get(60, TimeUnit.SECONDS));
            }
            assertEquals(d.ldev().md().bitmap().bits(), d.ldev().md().bitmap().count(0));
            assertTrue(d.ldev().md().alWrites() > 200, "256 extents through 67 slots");
        }
    }

    @Test
    void secondaryRefusesWritesEvenOnAnOpenHandle() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            f.disk("tcmu001", SIZE);
            f.up("r0", 1, "tcmu001", false, null);
            primary(f);
            DrbdBlockDevice dev = (DrbdBlockDevice) f.registry.lookup("drbd1").orElseThrow();
            f.node.setRole(f.target(-1, "r0", null, null, AdmTarget.NEED_RESOURCE), Role.SECONDARY, false);
            int[] err = new int[1];
            dev.submit(Bio.write(0, ByteBuffer.allocate(4096), 0, (b, e) -> err[0] = e));
            assertEquals(Errno.EROFS, err[0]);
        }
    }

    @Test
    void localWriteErrorsFollowOnIoError() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            FileBlockDevice back = f.disk("tcmu001", SIZE);
            Device d = f.up("r0", 1, "tcmu001", false, Tlas.DISK_CONF.empty().with("on_io_error", 1L));
            primary(f);
            try (DeviceHandle h = f.registry.open("drbd1", OpenMode.READ_WRITE, "test")) {
                BlockIo.writeFully(h, 0, pattern(4096, 3), 0);
                back.failWritesWith = Errno.EIO;
                KernelException e = org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                        () -> BlockIo.writeFully(h, 0, pattern(4096, 4), 0));
                assertEquals(Errno.EIO, e.errno(), "no peer has the data");
            }
            long deadline = System.currentTimeMillis() + 5000;
            while (d.disk() != DiskState.DISKLESS && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(DiskState.DISKLESS, d.disk(), "detached after the error");
            synchronized (f.helperCalls) {
                assertEquals(1, f.helperCalls.size());
                assertArrayEquals(new String[] {"local-io-error", "r0"}, f.helperCalls.get(0));
                Map<String, String> env = f.helperEnv.get(0);
                assertEquals("1", env.get("DRBD_MINOR"));
                assertEquals("0", env.get("DRBD_VOLUME"));
                assertEquals(tmp + "/dev/tcmu001", env.get("DRBD_BACKING_DEV"));
                assertEquals("/sbin:/usr/sbin:/bin:/usr/bin", env.get("PATH"));
            }
            // the backing device was let go
            back.failWritesWith = 0;
            f.registry.open("tcmu001", OpenMode.READ_WRITE, "again").close();
        }
    }

    @Test
    void passOnKeepsTheDiskAndReturnsTheError() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            FileBlockDevice back = f.disk("tcmu001", SIZE);
            Device d = f.up("r0", 1, "tcmu001", false, Tlas.DISK_CONF.empty().with("on_io_error", 0L));
            primary(f);
            try (DeviceHandle h = f.registry.open("drbd1", OpenMode.READ_WRITE, "test")) {
                back.failWritesWith = Errno.EIO;
                KernelException e = org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                        () -> BlockIo.writeFully(h, 4096, pattern(4096, 4), 0));
                assertEquals(Errno.EIO, e.errno());
                back.failWritesWith = 0;
            }
            assertEquals(DiskState.UP_TO_DATE, d.disk());
            assertTrue(f.helperCalls.isEmpty(), "pass_on calls no handler");
        }
    }
}
