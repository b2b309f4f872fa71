package io.scstdrbd.scst.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.OpenMode;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.scst.testing.Cdb;
import io.scstdrbd.scst.testing.RamDisk;
import io.scstdrbd.scst.testing.TestFabric;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default claims tcmu000/tcmu001 only while an initiator is logged in, so that
 * FUSE writers and DRBD can use them otherwise; scst.conf devices are claimed at once.
 */
class OnDemandClaimTest {
    @TempDir
    Path dir;
    TestFabric fabric;

    @BeforeEach
    void setUp() throws Exception {
        fabric = new TestFabric(dir, null, new RamDisk("tcmu000", 1 << 20), new RamDisk("tcmu001", 1 << 20));
    }

    @AfterEach
    void tearDown() throws Exception {
        fabric.close();
    }

    @Test
    void claimedWhileLoggedIn() throws Exception {
        assertNull(fabric.kernel.devices().writerOf("tcmu000"), "nobody logged in: free for others");
        TestFabric.Session s = fabric.login("iqn.test:a");
        assertEquals("scst:disk_tcmu000", fabric.kernel.devices().writerOf("tcmu000"));
        KernelException e = assertThrows(KernelException.class,
                () -> fabric.kernel.devices().open("tcmu000", OpenMode.READ_WRITE, "fuse:test"));
        assertEquals(Errno.EBUSY, e.errno());
        TestFabric.Session t = fabric.login("iqn.test:b");
        s.close();
        assertEquals("scst:disk_tcmu000", fabric.kernel.devices().writerOf("tcmu000"), "b is still logged in");
        t.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (fabric.kernel.devices().writerOf("tcmu000") != null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertNull(fabric.kernel.devices().writerOf("tcmu000"), "released after the last logout");
    }

    @Test
    void aDeviceHeldByAnotherWriterIsNotReady() throws Exception {
        try (DeviceHandle fuse = fabric.kernel.devices().open("tcmu001", OpenMode.READ_WRITE, "fuse:test")) {
            TestFabric.Session s = fabric.login("iqn.test:a");
            s.clearUnitAttentions(1);
            assertEquals(0x3a00, s.in(1, Cdb.tur(), 0).ascq());
            s.clearUnitAttentions(0);
            assertEquals(0, s.in(0, Cdb.tur(), 0).status(), "LUN 0 is unaffected");
            s.close();
        }
        TestFabric.Session s = fabric.login("iqn.test:a");
        s.clearUnitAttentions(1);
        assertEquals(0, s.in(1, Cdb.tur(), 0).status(), "claimed at the next login");
    }
}
