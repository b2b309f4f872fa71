package io.scstdrbd.scst.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.sense.SenseFormat;
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

/** Medium commands end to end against a thin RAM disk (LUN 0) and a fully provisioned one (LUN 1). */
class DataCommandsTest {
    static final int BS = 512;
    @TempDir
    Path dir;
    TestFabric fabric;
    RamDisk thin;
    RamDisk full;
    TestFabric.Session s;

    @BeforeEach
    void setUp() throws Exception {
        thin = RamDisk.thin("tcmu000", 4 << 20);
        full = new RamDisk("tcmu001", 4 << 20);
        fabric = new TestFabric(dir, null, thin, full);
        s = fabric.login("iqn.test:data");
        s.clearUnitAttentions(0);
        s.clearUnitAttentions(1);
    }

    @AfterEach
    void tearDown() throws Exception {
        fabric.close();
    }

    static byte[] fill(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    byte[] blocks(RamDisk d, long lba, int n) {
        return Arrays.copyOfRange(d.data(), (int) lba * BS, (int) (lba + n) * BS);
    }

    @Test
    void compareAndWrite() throws Exception {
        s.out(0, Cdb.write10(10, 2), fill(2 * BS, 'A'));
        TestCommand.Result r = s.out(0, Cdb.compareAndWrite(10, 2), concat(fill(2 * BS, 'A'), fill(2 * BS, 'B')));
        assertEquals(0, r.status());
        assertArrayEquals(fill(2 * BS, 'B'), blocks(thin, 10, 2));
        byte[] verify = fill(2 * BS, 'B');
        verify[BS + 7] = 'x';
        r = s.out(0, Cdb.compareAndWrite(10, 2), concat(verify, fill(2 * BS, 'C')));
        assertEquals(0x0e, r.senseKey());
        assertEquals(0x1d00, r.ascq());
        assertEquals(BS + 7, BigEndian.u32(r.sense(), 3), "INFORMATION = offset of the first miscompare");
        assertArrayEquals(fill(2 * BS, 'B'), blocks(thin, 10, 2), "nothing written after a miscompare");
        // data-out length must be exactly twice the blocks
        r = s.run(0, Cdb.compareAndWrite(10, 1), fill(4 * BS, 'B'), 4 * BS);
        assertEquals(0x2400, r.ascq());
    }

    @Test
    void orWrite() throws Exception {
        s.out(0, Cdb.write10(0, 1), fill(BS, 0x0f));
        assertEquals(0, s.out(0, Cdb.rw16(0x8b, 0, 1, 0), fill(BS, 0xf0)).status());
        assertArrayEquals(fill(BS, 0xff), blocks(thin, 0, 1));
    }

    @Test
    void verifyWithByteCheck() throws Exception {
        byte[] d = fill(4 * BS, 0x5a);
        s.out(0, Cdb.write10(4, 4), d);
        assertEquals(0, s.out(0, Cdb.rw10(0x2f, 4, 4, 0x02), d).status());
        d[3 * BS + 1] = 0;
        TestCommand.Result r = s.out(0, Cdb.rw10(0x2f, 4, 4, 0x02), d);
        assertEquals(0x1d00, r.ascq());
        assertEquals(3 * BS + 1, BigEndian.u32(r.sense(), 3));
        // BYTCHK 3: one block compared with every block of the range
        assertEquals(0, s.out(0, Cdb.rw10(0x2f, 4, 4, 0x06), fill(BS, 0x5a)).status());
        assertEquals(0x2400, s.out(0, Cdb.rw10(0x2f, 4, 4, 0x04), fill(BS, 0x5a)).ascq(), "BYTCHK 2 is reserved");
    }

    @Test
    void writeSamePatternUnmapAndNdob() throws Exception {
        byte[] blk = new byte[BS];
        for (int i = 0; i < BS; i++) {
            blk[i] = (byte) i;
        }
        assertEquals(0, s.out(0, Cdb.writeSame16(100, 3000, 0), blk).status());
        for (int i = 0; i < 3000; i++) {
            assertArrayEquals(blk, blocks(thin, 100 + i, 1));
        }
        assertEquals(0, s.out(0, Cdb.writeSame16(100, 8, 0x08), fill(BS, 0xee)).status());
        assertEquals(1, thin.discards.get(), "UNMAP bit: the range is deallocated");
        assertArrayEquals(new byte[8 * BS], blocks(thin, 100, 8));
        assertEquals(0, s.run(0, Cdb.writeSame16(200, 8, 0x01), null, 0).status(), "NDOB writes zeroes");
        assertArrayEquals(new byte[8 * BS], blocks(thin, 200, 8));
        // UNMAP on a fully provisioned LU is an invalid field, ANCHOR is not supported
        assertEquals(0x2400, s.out(1, Cdb.writeSame16(0, 1, 0x08), new byte[BS]).ascq());
        assertEquals(0x2400, s.out(0, Cdb.writeSame16(0, 1, 0x18), new byte[BS]).ascq());
        // the data-out must be one block
        assertEquals(0x2400, s.run(0, Cdb.writeSame16(0, 1, 0), new byte[2 * BS], 2 * BS).ascq());
    }

    @Test
    void unmapRanges() throws Exception {
        s.out(0, Cdb.write10(0, 16), fill(16 * BS, 1));
        byte[] list = Cdb.unmapList(2, 3, 10, 1);
        assertEquals(0, s.out(0, Cdb.unmap(list.length), list).status());
        assertEquals(2, thin.discards.get());
        assertArrayEquals(new byte[3 * BS], blocks(thin, 2, 3));
        assertArrayEquals(fill(BS, 1), blocks(thin, 5, 1));
        byte[] oob = Cdb.unmapList((4 << 20) / BS - 1, 2);
        assertEquals(0x2100, s.out(0, Cdb.unmap(oob.length), oob).ascq());
        assertEquals(0x2000, s.out(1, Cdb.unmap(list.length), list).ascq(), "fully provisioned: no UNMAP");
    }

    @Test
    void getLbaStatusReportsZeroRunsAsDeallocated() throws Exception {
        s.out(0, Cdb.write10(0, 4), fill(4 * BS, 9));
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x9e;
        cdb[1] = 0x12;
        BigEndian.put64(cdb, 2, 2);
        BigEndian.put32(cdb, 10, 64);
        TestCommand.Result r = s.in(0, cdb, 64);
        assertEquals(0, r.status());
        assertEquals(2, BigEndian.u64(r.data(), 8));
        assertEquals(2, BigEndian.u32(r.data(), 16));
        assertEquals(0, r.data()[20], "mapped");
        assertEquals(4, BigEndian.u64(r.data(), 24));
        assertEquals(1, r.data()[36], "deallocated");
        BigEndian.put64(cdb, 2, (4 << 20) / BS);
        assertEquals(0x2100, s.in(0, cdb, 64).ascq());
    }

    @Test
    void synchronizeCacheReachesTheBackendAndFuaIsPassedOn() throws Exception {
        assertEquals(0, s.in(0, Cdb.syncCache10(), 0).status());
        assertEquals(1, thin.flushes.get());
        s.out(0, Cdb.rw10(0x2a, 0, 1, 0x08), new byte[BS]);
        assertEquals(1, thin.fuaWrites.get());
        s.out(0, Cdb.write10(0, 1), new byte[BS]);
        assertEquals(1, thin.fuaWrites.get(), "write-back cache: no FUA without the bit");
    }

    @Test
    void writeShorterThanTheExpectedLengthAndLonger() throws Exception {
        // EDTL covers one of two blocks: one block written, overflow residual of one block
        TestCommand.Result r = s.run(0, Cdb.write10(20, 2), fill(2 * BS, 3), BS);
        assertEquals(0, r.status());
        assertEquals(2 * BS, r.transferLength());
        assertArrayEquals(fill(BS, 3), blocks(thin, 20, 1));
        assertArrayEquals(new byte[BS], blocks(thin, 21, 1));
        // EDTL larger than the CDB: only the CDB's block is taken
        r = s.run(0, Cdb.write10(30, 1), fill(3 * BS, 4), 3 * BS);
        assertEquals(BS, r.transferLength());
        assertArrayEquals(new byte[BS], blocks(thin, 31, 1));
        // READ with a short EDTL sends only that much
        r = s.in(0, Cdb.read10(20, 1), 200);
        assertEquals(200, r.data().length);
        assertEquals(BS, r.transferLength());
    }

    @Test
    void writeAtomicIsAllOrNothing() throws Exception {
        byte[] cdb = Cdb.rw16(0x9c, 50, 0, 0);
        cdb[10] = 0;
        cdb[11] = 0;
        cdb[12] = 0;
        cdb[13] = 2; // transfer length 2 (bytes 12-13)
        assertEquals(0, s.out(0, cdb, fill(2 * BS, 7)).status());
        assertArrayEquals(fill(2 * BS, 7), blocks(thin, 50, 2));
        assertEquals(0x2400, s.run(0, cdb, fill(2 * BS, 8), BS).ascq(), "no partial atomic write");
        assertArrayEquals(fill(2 * BS, 7), blocks(thin, 50, 2));
    }

    @Test
    void protectionFieldsAreInvalid() throws Exception {
        assertEquals(0x2400, s.in(0, Cdb.rw10(0x28, 0, 1, 0x20), BS).ascq());
        assertEquals(0x2400, s.out(0, Cdb.rw10(0x2a, 0, 1, 0x40), new byte[BS]).ascq());
    }

    @Test
    void transferLongerThanTheLimitIsInvalid() throws Exception {
        assertEquals(0x2400, s.in(0, Cdb.rw16(0x88, 0, 65537, 0), 0).ascq());
    }

    @Test
    void descriptorSenseAfterSettingDSense() throws Exception {
        TestCommand.Result ms = s.in(0, Cdb.modeSense6(0, 0x0a, 255), 255);
        byte[] page = Arrays.copyOfRange(ms.data(), 4 + 8, ms.data().length);
        page[0] &= 0x7f;
        page[2] |= 0x04;
        byte[] param = new byte[4 + page.length];
        System.arraycopy(page, 0, param, 4, page.length);
        assertEquals(0, s.out(0, Cdb.modeSelect6(false, param.length), param).status());
        TestCommand.Result r = s.in(0, Cdb.read10(-1, 1), BS);
        assertEquals(0x72, r.sense()[0] & 0x7f);
        assertEquals(0x2100, r.ascq());
        assertEquals(0x72, SenseFormat.encode(io.scstdrbd.scst.sense.SenseData.of(
                io.scstdrbd.scst.sense.ScsiError.LBA_OUT_OF_RANGE), true)[0]);
    }

    @Test
    void softwareWriteProtect() throws Exception {
        TestCommand.Result ms = s.in(0, Cdb.modeSense6(0, 0x0a, 255), 255);
        byte[] page = Arrays.copyOfRange(ms.data(), 4 + 8, ms.data().length);
        page[0] &= 0x7f;
        page[4] |= 0x08;
        byte[] param = new byte[4 + page.length];
        System.arraycopy(page, 0, param, 4, page.length);
        assertEquals(0, s.out(0, Cdb.modeSelect6(false, param.length), param).status());
        assertEquals(0x2700, s.out(0, Cdb.write10(0, 1), new byte[BS]).ascq());
        assertEquals(0x80, s.in(0, Cdb.modeSense6(0, 0x3f, 255), 255).data()[2] & 0x80, "WP in the header");
        // another nexus learns about the change
        TestFabric.Session other = fabric.login("iqn.test:other");
        other.clearUnitAttentions(0);
        assertEquals(0x2700, other.out(0, Cdb.write10(0, 1), new byte[BS]).ascq());
    }

    @Test
    void extendedCopyBetweenLuns() throws Exception {
        s.out(0, Cdb.write10(0, 8), fill(8 * BS, 'x'));
        byte[] naa0 = naaDesignator(0);
        byte[] naa1 = naaDesignator(1);
        byte[] p = new byte[16 + 64 + 28];
        p[0] = 5; // list id
        p[3] = 64;
        p[11] = 28;
        target(p, 16, naa0);
        target(p, 48, naa1);
        int o = 80;
        p[o] = 0x02;
        p[o + 3] = 0x18;
        p[o + 5] = 0;   // source: target 0
        p[o + 7] = 1;   // destination: target 1
        p[o + 11] = 8;  // 8 blocks
        p[o + 27] = 40; // destination LBA 40
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x83;
        BigEndian.put32(cdb, 10, p.length);
        assertEquals(0, s.out(0, cdb, p).status());
        assertArrayEquals(fill(8 * BS, 'x'), blocks(full, 40, 8));
        byte[] rcr = new byte[16];
        rcr[0] = (byte) 0x84;
        rcr[2] = 5;
        BigEndian.put32(rcr, 10, 64);
        TestCommand.Result r = s.in(0, rcr, 64);
        assertEquals(1, r.data()[4], "completed without error");
        assertEquals(1, BigEndian.u16(r.data(), 5), "one segment");
        rcr[2] = 6;
        assertEquals(0x2400, s.in(0, rcr, 64).ascq(), "no results for an unknown list id");
        // a segment past the end of the destination aborts the copy
        BigEndian.put64(p, o + 20, (4 << 20) / BS - 1);
        assertEquals(0x0a, s.out(0, cdb, p).senseKey());
    }

    byte[] naaDesignator(int lun) throws Exception {
        TestCommand.Result r = s.in(lun, Cdb.inquiry(true, 0x83, 255), 255);
        byte[] d = r.data();
        for (int off = 4; off < d.length; off += 4 + (d[off + 3] & 0xff)) {
            if ((d[off + 1] & 0x0f) == 3) {
                return Arrays.copyOfRange(d, off, off + 4 + (d[off + 3] & 0xff));
            }
        }
        throw new AssertionError("no NAA designator");
    }

    static void target(byte[] p, int off, byte[] designator) {
        p[off] = (byte) 0xe4;
        System.arraycopy(designator, 0, p, off + 4, designator.length);
        p[off + 30] = 2; // block length 512
    }

    @Test
    void sanitizeOverwriteAndBlockErase() throws Exception {
        byte[] param = new byte[4 + 4];
        param[0] = 0x01;
        param[3] = 4;
        param[4] = 1;
        param[5] = 2;
        param[6] = 3;
        param[7] = 4;
        byte[] cdb = Cdb.of(0x48, 0x01, 0, 0, 0, 0, 0, 0, param.length, 0);
        assertEquals(0, s.out(1, cdb, param).status());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 1, 2, 3, 4}, Arrays.copyOfRange(full.data(), 4096, 4104));
        assertEquals(0, s.in(0, Cdb.of(0x48, 0x02, 0, 0, 0, 0, 0, 0, 0, 0), 0).status());
        assertEquals(1, thin.discards.get());
        assertEquals(0x2400, s.in(0, Cdb.of(0x48, 0x03, 0, 0, 0, 0, 0, 0, 0, 0), 0).ascq(), "no crypto erase");
        assertEquals(0x2400, s.out(1, Cdb.of(0x48, 0x01, 0, 0, 0, 0, 0, 0, 4, 0), new byte[4]).ascq());
    }

    @Test
    void reportSupportedOpcodes() throws Exception {
        byte[] cdb = Cdb.of(0xa3, 0x0c, 0x01, 0x28, 0, 0, 0, 0, 1, 0, 0, 0);
        TestCommand.Result r = s.in(0, cdb, 256);
        assertEquals(0x03, r.data()[1] & 0x07, "READ(10) supported");
        assertEquals(10, BigEndian.u16(r.data(), 2));
        assertEquals(0x28, r.data()[4] & 0xff);
        assertEquals(0x18, r.data()[5] & 0x18, "DPO and FUA are honoured");
        cdb[3] = (byte) 0x9e;
        assertEquals(0x2400, s.in(0, cdb, 256).ascq(), "SERVICE ACTION IN needs reporting option 2");
        r = s.in(0, Cdb.of(0xa3, 0x0c, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0), 65536);
        long len = BigEndian.u32(r.data(), 0);
        assertEquals(r.data().length - 4, len);
        assertTrue(len / 8 > 50, "many commands listed");
    }
}
