package io.scstdrbd.scst;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.testing.Cdb;
import io.scstdrbd.scst.testing.RamDisk;
import io.scstdrbd.scst.testing.TestCommand;
import io.scstdrbd.scst.testing.TestFabric;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands a transport needs first, end to end over the embedded default configuration. */
class EndToEndBasicTest {
    @TempDir
    Path dir;
    TestFabric fabric;
    RamDisk disk0;
    RamDisk disk1;
    TestFabric.Session s;

    @BeforeEach
    void setUp() throws Exception {
        disk0 = RamDisk.thin("tcmu000", 8 << 20);
        disk1 = new RamDisk("tcmu001", 4 << 20);
        fabric = new TestFabric(dir, null, disk0, disk1);
        s = fabric.login("iqn.1993-08.org.debian:01:test");
    }

    @AfterEach
    void tearDown() throws Exception {
        fabric.close();
    }

    @Test
    void firstCommandReportsPowerOnThenReady() throws Exception {
        TestCommand.Result r = s.in(0, Cdb.tur(), 0);
        assertEquals(2, r.status());
        assertEquals(0x6, r.senseKey());
        assertEquals(0x2900, r.ascq());
        assertEquals(0, s.in(0, Cdb.tur(), 0).status());
    }

    @Test
    void inquiryIsAnsweredDespiteUnitAttention() throws Exception {
        TestCommand.Result r = s.in(0, Cdb.inquiry(false, 0, 96), 96);
        assertEquals(0, r.status());
        assertEquals(74, r.data().length);
        assertEquals(0x00, r.data()[0]);
        assertEquals(0x06, r.data()[2]);
        assertEquals("SCST_BIO", new String(r.data(), 8, 8));
        assertEquals("disk_tcmu000    ", new String(r.data(), 16, 16));
        // SBC-3 version descriptor present
        boolean sbc3 = false;
        for (int i = 58; i < 74; i += 2) {
            sbc3 |= BigEndian.u16(r.data(), i) == 0x04c0;
        }
        assertTrue(sbc3);
    }

    @Test
    void readCapacityAndThinProvisioningBits() throws Exception {
        s.clearUnitAttentions(0);
        TestCommand.Result r = s.in(0, Cdb.readCapacity10(), 8);
        assertEquals((8 << 20) / 512 - 1, BigEndian.u32(r.data(), 0));
        assertEquals(512, BigEndian.u32(r.data(), 4));
        r = s.in(0, Cdb.readCapacity16(32), 32);
        assertEquals((8 << 20) / 512 - 1, BigEndian.u64(r.data(), 0));
        assertEquals(0xc0, r.data()[14] & 0xff, "LBPME and LBPRZ on a thin backend");
        s.clearUnitAttentions(1);
        r = s.in(1, Cdb.readCapacity16(32), 32);
        assertEquals(0, r.data()[14], "no thin provisioning on a backend without discard");
    }

    @Test
    void writeThenReadBackBothLuns() throws Exception {
        s.clearUnitAttentions(0);
        byte[] data = new byte[4096];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        assertEquals(0, s.out(0, Cdb.write10(100, 8), data).status());
        assertArrayEquals(data, Arrays.copyOfRange(disk0.data(), 100 * 512, 100 * 512 + 4096));
        TestCommand.Result r = s.in(0, Cdb.read10(100, 8), 4096);
        assertEquals(0, r.status());
        assertArrayEquals(data, r.data());
        assertEquals(4096, r.transferLength());
    }

    @Test
    void readBeyondEndIsLbaOutOfRange() throws Exception {
        s.clearUnitAttentions(0);
        long blocks = (8 << 20) / 512;
        TestCommand.Result r = s.in(0, Cdb.read10(blocks - 1, 2), 1024);
        assertEquals(2, r.status());
        assertEquals(0x5, r.senseKey());
        assertEquals(0x2100, r.ascq());
    }

    @Test
    void reportLunsListsBothLuns() throws Exception {
        TestCommand.Result r = s.in(0, Cdb.reportLuns(64), 64);
        assertEquals(0, r.status());
        assertEquals(16, BigEndian.u32(r.data(), 0));
        assertEquals(0, BigEndian.u64(r.data(), 8));
        assertEquals(0x0001000000000000L, BigEndian.u64(r.data(), 16));
    }

    @Test
    void modeSenseAllPages() throws Exception {
        s.clearUnitAttentions(0);
        TestCommand.Result r = s.in(0, Cdb.modeSense6(0, 0x3f, 255), 255);
        assertEquals(0, r.status());
        assertEquals(r.data().length - 1, r.data()[0] & 0xff);
        assertEquals(0x10, r.data()[2] & 0xff, "DPOFUA, not write protected");
        assertEquals(8, r.data()[3], "one short block descriptor");
    }

    @Test
    void unknownOpcodeIsInvalidCommandOperationCode() throws Exception {
        s.clearUnitAttentions(0);
        TestCommand.Result r = s.in(0, Cdb.of(0xc5, 0, 0, 0, 0, 0), 0);
        assertEquals(2, r.status());
        assertEquals(0x2000, r.ascq());
    }

    @Test
    void unmappedLunAnswersInquiryWithQualifier3() throws Exception {
        TestCommand.Result r = s.in(7, Cdb.inquiry(false, 0, 36), 36);
        assertEquals(0, r.status());
        assertEquals(0x7f, r.data()[0] & 0xff);
        r = s.in(7, Cdb.tur(), 0);
        assertEquals(0x2500, r.ascq());
    }
}
