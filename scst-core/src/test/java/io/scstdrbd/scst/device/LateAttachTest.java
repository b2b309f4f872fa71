package io.scstdrbd.scst.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.testing.Cdb;
import io.scstdrbd.scst.testing.RamDisk;
import io.scstdrbd.scst.testing.TestFabric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Devices that appear after start-up (drbd1 before drbdadm up), resizes, FILEIO and NULLIO. */
class LateAttachTest {
    @TempDir
    Path dir;
    TestFabric fabric;

    @AfterEach
    void tearDown() throws Exception {
        fabric.close();
    }

    @Test
    void lunOfAMissingDeviceIsNotReadyUntilItIsRegistered() throws Exception {
        String conf = "[HANDLER vdisk]\nDEVICE disk_drbd1,@ROOT@/dev/drbd1,BLOCKIO,512,drbd1\n"
                + "[ASSIGNMENT Default]\nDEVICE disk_drbd1,0\n";
        fabric = new TestFabric(dir, conf);
        TestFabric.Session s = fabric.login("iqn.test:i");
        s.clearUnitAttentions(0);
        assertEquals(0x3a00, s.in(0, Cdb.tur(), 0).ascq(), "NOT READY, MEDIUM NOT PRESENT");
        assertEquals(0, s.in(0, Cdb.inquiry(false, 0, 36), 36).status(), "INQUIRY works without the device");
        RamDisk drbd = new RamDisk("drbd1", 2 << 20);
        fabric.kernel.devices().register(drbd);
        VirtualDevice d = fabric.scst.vdisks().get("disk_drbd1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!d.attached() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0x2a09, s.in(0, Cdb.tur(), 0).ascq(), "CAPACITY DATA HAS CHANGED");
        assertEquals(0, s.in(0, Cdb.tur(), 0).status());
        assertEquals("scst:disk_drbd1", fabric.kernel.devices().writerOf("drbd1"));
        // a resize is reported too
        drbd.resize(3 << 20);
        fabric.kernel.devices().notifyResized(drbd, 2 << 20);
        assertEquals(0x2a09, s.in(0, Cdb.tur(), 0).ascq());
        assertEquals((3 << 20) / 512 - 1, BigEndian.u32(s.in(0, Cdb.readCapacity10(), 8).data(), 0));
    }

    @Test
    void fileioAndNullio() throws Exception {
        Path img = dir.resolve("disk.img");
        Files.write(img, new byte[1 << 20]);
        String conf = "[HANDLER vdisk]\nDEVICE f,"+ img + ",WRITE_THROUGH,4096\nDEVICE n,,NULLIO\n"
                + "[ASSIGNMENT Default]\nDEVICE f,0\nDEVICE n,1\n";
        fabric = new TestFabric(dir, conf);
        TestFabric.Session s = fabric.login("iqn.test:i");
        s.clearUnitAttentions(0);
        byte[] data = new byte[4096];
        data[5] = 42;
        assertEquals(0, s.out(0, Cdb.write10(3, 1), data).status());
        assertEquals(42, Files.readAllBytes(img)[3 * 4096 + 5]);
        assertEquals(4096, BigEndian.u32(s.in(0, Cdb.readCapacity10(), 8).data(), 4));
        assertEquals(255, BigEndian.u32(s.in(0, Cdb.readCapacity10(), 8).data(), 0));
        s.clearUnitAttentions(1);
        assertEquals(0, s.out(1, Cdb.write10(0, 1), new byte[512]).status());
        assertEquals((1L << 40) / 512 - 1, BigEndian.u64(s.in(1, Cdb.readCapacity16(32), 32).data(), 0));
        assertEquals("SCST_FIO", new String(s.in(0, Cdb.inquiry(false, 0, 36), 36).data(), 8, 8));
    }
}
