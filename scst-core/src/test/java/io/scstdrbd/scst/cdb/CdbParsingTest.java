package io.scstdrbd.scst.cdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** CDB parsers against fixed bytes laid out as SPC-4 / SBC-3 define them. */
class CdbParsingTest {

    static byte[] hex(String s) {
        return HexFormat.ofDelimiter(" ").parseHex(s);
    }

    @Test
    void read6TransferLengthZeroMeans256() throws ScsiException {
        ReadWriteCdb c = ReadWriteCdb.parse(hex("08 1f ff fe 00 00"));
        assertEquals(ReadWriteCdb.Kind.READ, c.kind());
        assertEquals(0x1ffffe, c.lba());
        assertEquals(256, c.blocks());
    }

    @Test
    void write10FieldsAndFlags() throws ScsiException {
        // WRPROTECT 0, DPO, FUA, LBA 0x01020304, group 5, length 0x0102
        ReadWriteCdb c = ReadWriteCdb.parse(hex("2a 18 01 02 03 04 05 01 02 00"));
        assertEquals(ReadWriteCdb.Kind.WRITE, c.kind());
        assertEquals(0x01020304L, c.lba());
        assertEquals(0x0102, c.blocks());
        assertTrue(c.dpo());
        assertTrue(c.fua());
        assertEquals(0, c.protect());
    }

    @Test
    void read16LbaIsUnsignedAndProtectIsKept() throws ScsiException {
        ReadWriteCdb c = ReadWriteCdb.parse(hex("88 60 ff ff ff ff ff ff ff ff 00 00 00 01 00 00"));
        assertEquals(-1L, c.lba(), "all ones: compared as unsigned, so out of range");
        assertEquals(1, c.blocks());
        assertEquals(3, c.protect());
    }

    @Test
    void verifyBytchkAndNoFua() throws ScsiException {
        ReadWriteCdb c = ReadWriteCdb.parse(hex("2f 0a 00 00 00 10 00 00 08 00"));
        assertEquals(ReadWriteCdb.Kind.VERIFY, c.kind());
        assertEquals(1, c.bytchk());
        assertFalse(c.fua(), "bit 3 of VERIFY is reserved, not FUA");
    }

    @Test
    void compareAndWriteBlocksInByte13() throws ScsiException {
        ReadWriteCdb c = ReadWriteCdb.parse(hex("89 08 00 00 00 00 00 00 00 20 00 00 00 04 00 00"));
        assertEquals(ReadWriteCdb.Kind.COMPARE_AND_WRITE, c.kind());
        assertEquals(0x20, c.lba());
        assertEquals(4, c.blocks());
        assertTrue(c.fua());
    }

    @Test
    void writeAtomicTransferLengthInBytes12And13() throws ScsiException {
        ReadWriteCdb c = ReadWriteCdb.parse(hex("9c 00 00 00 00 00 00 00 00 07 00 00 00 03 00 00"));
        assertEquals(ReadWriteCdb.Kind.WRITE_ATOMIC, c.kind());
        assertEquals(7, c.lba());
        assertEquals(3, c.blocks());
    }

    @Test
    void inquiryPageCodeWithoutEvpdIsInvalid() {
        ScsiException e = assertThrows(ScsiException.class, () -> InquiryCdb.parse(hex("12 00 83 00 ff 00")));
        assertEquals(ScsiError.INVALID_FIELD_IN_CDB, e.sense().error());
    }

    @Test
    void inquiryCmddtIsInvalid() {
        assertThrows(ScsiException.class, () -> InquiryCdb.parse(hex("12 02 00 00 ff 00")));
    }

    @Test
    void inquiryVpd() throws ScsiException {
        InquiryCdb c = InquiryCdb.parse(hex("12 01 b0 01 00 00"));
        assertTrue(c.evpd());
        assertEquals(0xb0, c.pageCode());
        assertEquals(256, c.allocationLength());
    }

    @Test
    void writeSame16Bits() throws ScsiException {
        WriteSameCdb c = WriteSameCdb.parse(hex("93 09 00 00 00 00 00 00 00 08 00 00 00 10 00 00"));
        assertTrue(c.unmap());
        assertTrue(c.ndob());
        assertFalse(c.anchor());
        assertEquals(8, c.lba());
        assertEquals(16, c.blocks());
    }

    @Test
    void reportLunsNeedsSixteenBytes() {
        ScsiException e = assertThrows(ScsiException.class,
                () -> ReportLunsCdb.parse(hex("a0 00 00 00 00 00 00 00 00 08 00 00")));
        assertEquals(ScsiError.INVALID_FIELD_IN_CDB, e.sense().error());
    }

    @Test
    void readCapacity16() throws ScsiException {
        ReadCapacityCdb c = ReadCapacityCdb.parse(hex("9e 10 00 00 00 00 00 00 00 00 00 00 00 20 00 00"));
        assertTrue(c.sixteen());
        assertEquals(32, c.allocationLength());
    }

    @Test
    void persistentReserveOutFields() throws ScsiException {
        PersistentReserveOutCdb c = PersistentReserveOutCdb.parse(hex("5f 01 03 00 00 00 00 00 18 00"));
        assertEquals(PersistentReserveOutCdb.RESERVE, c.serviceAction());
        assertEquals(0, c.scope());
        assertEquals(3, c.type());
        assertEquals(24, c.parameterListLength());
    }

    @Test
    void modeSense10LongLba() throws ScsiException {
        ModeSenseCdb c = ModeSenseCdb.parse(hex("5a 10 48 00 00 00 00 01 00 00"));
        assertTrue(c.ten());
        assertTrue(c.llbaa());
        assertFalse(c.dbd());
        assertEquals(1, c.pageControl());
        assertEquals(0x08, c.pageCode());
        assertEquals(256, c.allocationLength());
    }

    @Test
    void startStopUnitFields() throws ScsiException {
        StartStopCdb c = StartStopCdb.parse(hex("1b 01 00 00 32 00"));
        assertTrue(c.immed());
        assertEquals(3, c.powerCondition());
        assertTrue(c.loej());
        assertFalse(c.start());
    }

    @Test
    void sanitizeFields() throws ScsiException {
        SanitizeCdb c = SanitizeCdb.parse(hex("48 81 00 00 00 00 00 02 04 00"));
        assertTrue(c.immed());
        assertEquals(SanitizeCdb.OVERWRITE, c.serviceAction());
        assertEquals(0x204, c.parameterListLength());
    }

    @Test
    void cdbLengthFromGroupCode() {
        assertEquals(6, Opcodes.cdbLength(0x12));
        assertEquals(10, Opcodes.cdbLength(0x28));
        assertEquals(10, Opcodes.cdbLength(0x5f));
        assertEquals(16, Opcodes.cdbLength(0x88));
        assertEquals(12, Opcodes.cdbLength(0xa0));
    }

    @Test
    void copyParameterListCountsBeforeTypes() {
        // 17 target descriptors of an unsupported type: too many wins over unsupported type
        byte[] p = new byte[16 + 17 * 32];
        p[2] = (byte) ((17 * 32) >> 8);
        p[3] = (byte) (17 * 32);
        for (int i = 0; i < 17; i++) {
            p[16 + 32 * i] = (byte) 0xe0;
        }
        ScsiException e = assertThrows(ScsiException.class, () -> CopyParameterList.parse(p));
        assertEquals(ScsiError.TOO_MANY_TARGET_DESCRIPTORS, e.sense().error());
        p[2] = 0;
        p[3] = 32;
        e = assertThrows(ScsiException.class, () -> CopyParameterList.parse(java.util.Arrays.copyOf(p, 48)));
        assertEquals(ScsiError.UNSUPPORTED_TARGET_DESCRIPTOR_TYPE, e.sense().error());
    }

    @Test
    void copyParameterListTruncatedIsLengthError() {
        byte[] p = new byte[16 + 31];
        p[3] = 32;
        ScsiException e = assertThrows(ScsiException.class, () -> CopyParameterList.parse(p));
        assertEquals(ScsiError.PARAMETER_LIST_LENGTH_ERROR, e.sense().error());
    }

    @Test
    void copyParameterListBlockToBlockSegment() throws ScsiException {
        byte[] p = new byte[16 + 32 + 28];
        p[0] = 7;
        p[3] = 32;
        p[11] = 28;
        p[16] = (byte) 0xe4;
        p[16 + 4] = 0x01;  // code set binary
        p[16 + 5] = 0x03;  // NAA, LU
        p[16 + 7] = 8;
        p[16 + 30] = 2;    // block length 512
        int s = 48;
        p[s] = 0x02;
        p[s + 3] = 0x18;
        p[s + 11] = 16;    // 16 blocks
        p[s + 19] = 1;     // source LBA 1
        p[s + 27] = 100;   // destination LBA 100
        CopyParameterList l = CopyParameterList.parse(p);
        assertEquals(7, l.listId());
        assertEquals(512, l.targets().get(0).blockLength());
        CopyParameterList.Segment seg = l.segments().get(0);
        assertEquals(16, seg.blocks());
        assertEquals(1, seg.srcLba());
        assertEquals(100, seg.dstLba());
    }
}
