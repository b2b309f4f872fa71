package io.scstdrbd.iscsi.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fixed bytes assembled from the RFC 7143 chapter 11 layouts, and a round trip of every PDU type. */
class PduCodecTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
    }

    @Test
    void scsiCommandRead10FixedBytes() {
        byte[] wire = hex("01 c1 0000 00 000000 0001000000000000 12345678 00001000 0000000a 00000005"
                + " 28000000001000000800000000000000");
        ScsiCommand c = (ScsiCommand) PduCodec.decode(wire);
        assertFalse(c.immediate());
        assertTrue(c.finalFlag());
        assertTrue(c.read());
        assertFalse(c.write());
        assertEquals(1, c.attr());
        assertEquals(1, Luns.decode(c.lun()));
        assertEquals(0x12345678, c.itt());
        assertEquals(4096, c.expectedDataTransferLength());
        assertEquals(10, c.cmdSN());
        assertEquals(5, c.expStatSN());
        assertEquals(0x28, c.cdbByte(0));
        assertEquals(0x10, c.cdbByte(5));
        assertEquals(8, c.cdbByte(8));
        assertArrayEquals(wire, PduCodec.encode(c, 0, 0));
    }

    @Test
    void immediateWriteWithDataSegmentLength() {
        byte[] wire = hex("41 a1 0000 00 000200 0000000000000000 00000001 00000200 00000001 00000000"
                + " 2a000000000000000100000000000000");
        ScsiCommand c = (ScsiCommand) PduCodec.decode(wire);
        assertTrue(c.immediate());
        assertTrue(c.write());
        assertEquals(512, PduCodec.dataSegmentLength(wire));
        assertEquals(0, PduCodec.totalAhsLength(wire));
        assertArrayEquals(wire, PduCodec.encode(c, 0, 512));
    }

    @Test
    void loginResponseFixedBytes() {
        LoginResponse r = new LoginResponse(true, false, 1, 3, 0, 0, 0x801234560000L, 1, 0x77, 0x10, 0x20, 0x3f, 0, 0);
        byte[] want = hex("23 87 00 00 00 000010 801234560000 0001 00000077 00000000 00000010 00000020 0000003f"
                + " 0000 00000000000000000000");
        assertArrayEquals(want, PduCodec.encode(r, 0, 16));
        assertEquals(r, PduCodec.decode(want));
    }

    @Test
    void loginRequestFixedBytes() {
        byte[] wire = hex("43 81 00 00 00 0000a0 400001370000 0000 00000000 0001 0000 00000001 00000000"
                + " 00000000000000000000000000000000");
        LoginRequest r = (LoginRequest) PduCodec.decode(wire);
        assertTrue(r.transit());
        assertFalse(r.cont());
        assertEquals(0, r.csg());
        assertEquals(1, r.nsg());
        assertEquals(0x400001370000L, r.isid());
        assertEquals(0, r.tsih());
        assertEquals(1, r.cid());
        assertEquals(1, r.cmdSN());
        assertTrue(r.immediate());
        assertArrayEquals(wire, PduCodec.encode(r, 0, 0xa0));
    }

    @Test
    void r2tFixedBytes() {
        R2t r = new R2t(1L << 48, 0x11, 0x22, 7, 8, 40, 2, 65536, 262144);
        byte[] want = hex("31 80 0000 00 000000 0001000000000000 00000011 00000022 00000007 00000008 00000028"
                + " 00000002 00010000 00040000");
        assertArrayEquals(want, PduCodec.encode(r, 0, 0));
    }

    @Test
    void dataInWithStatusAndUnderflowFixedBytes() {
        DataIn d = new DataIn(true, false, false, true, true, 0, 0, 0x99, -1, 3, 4, 35, 0, 0, 512);
        byte[] want = hex("25 83 00 00 00 000200 0000000000000000 00000099 ffffffff 00000003 00000004 00000023"
                + " 00000000 00000000 00000200");
        assertArrayEquals(want, PduCodec.encode(d, 0, 512));
    }

    @Test
    void scsiResponseAndRejectFixedBytes() {
        ScsiResponsePdu r = new ScsiResponsePdu(false, false, true, false, 0, 2, 5, 0, 9, 10, 41, 1, 0, 512);
        assertArrayEquals(hex("21 84 00 02 00 000014 0000000000000000 00000005 00000000 00000009 0000000a 00000029"
                + " 00000001 00000000 00000200"), PduCodec.encode(r, 0, 20));
        Reject j = new Reject(Reject.PROTOCOL_ERROR, 9, 10, 41, 0);
        assertArrayEquals(hex("3f 80 04 00 00 000030 0000000000000000 ffffffff 00000000 00000009 0000000a 00000029"
                + " 00000000 00000000 00000000"), PduCodec.encode(j, 0, 48));
    }

    @Test
    void nopOutPingReplyDecodes() {
        byte[] wire = hex("40 80 0000 00 000000 0000000000000000 ffffffff 00000005 00000003 00000002"
                + " 00000000000000000000000000000000");
        NopOut n = (NopOut) PduCodec.decode(wire);
        assertTrue(n.immediate());
        assertEquals(PduHeader.RESERVED_TAG, n.itt());
        assertEquals(5, n.ttt());
    }

    @Test
    void unknownOpcodeKeepsRawBytes() {
        byte[] wire = new byte[48];
        wire[0] = 0x1c;
        wire[16] = 1;
        PduHeader h = PduCodec.decode(wire);
        assertTrue(h instanceof UnknownPdu);
        assertEquals(null, h.opcode());
        assertEquals(0x1c, ((UnknownPdu) h).code());
        assertArrayEquals(wire, PduCodec.encode(h, 0, 0));
    }

    @Test
    void everyPduTypeRoundTrips() {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x8a;
        cdb[15] = 1;
        List<PduHeader> all = List.of(
                new NopOut(true, 3L << 48, 7, -1, 100, 200),
                new ScsiCommand(false, false, false, true, 2, 1L << 48, 8, 0xfffffff0L, -5, 6, cdb),
                new TaskMgmtRequest(true, 5, 2L << 48, 9, -1, 10, 11, 12, 13),
                new LoginRequest(true, true, 1, 3, 0, 0, 0x23d000000001L, 7, 10, 2, 99, 98),
                new TextRequest(false, true, false, 0, 11, -1, 12, 13),
                new DataOut(true, 1L << 48, 12, 0x1234, 14, 3, 8192),
                new LogoutRequest(true, 1, 13, 1, 15, 16),
                new SnackRequest(1, 0, 14, 15, 16, 17, 18),
                new NopIn(0, -1, 21, 22, 23, 24),
                new ScsiResponsePdu(true, true, false, true, 1, 8, 15, 0, 16, 17, 18, 19, 20, 21),
                new TaskMgmtResponse(255, 16, 17, 18, 19),
                new LoginResponse(false, true, 0, 0, 0, 0, 0x400000000001L, 0, 17, 18, 19, 20, 2, 1),
                new TextResponse(false, true, 0, 18, 19, 20, 21, 22),
                new DataIn(false, true, true, false, false, 0, 5L << 48, 19, 20, 21, 22, 23, 24, 25, 26),
                new LogoutResponse(2, 20, 21, 22, 23, 2, 20),
                new R2t(0, 21, 22, 23, 24, 25, 26, 27, 28),
                new AsyncMessage(0, 22, 23, 24, 1, 0, 0, 0, 5),
                new Reject(9, 23, 24, 25, 26));
        for (PduHeader h : all) {
            byte[] b = PduCodec.encode(h, 0, 100);
            assertEquals(h, PduCodec.decode(b), h.opcode().toString());
            assertEquals(h.opcode().code(), b[0] & 0x3f);
            assertEquals(100, PduCodec.dataSegmentLength(b));
        }
    }

    @Test
    void framingLimitsAreChecked() {
        NopIn n = new NopIn(0, -1, 1, 2, 3, 4);
        assertThrows(IllegalArgumentException.class, () -> PduCodec.encode(n, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> PduCodec.encode(n, 0, 1 << 24));
        assertThrows(IllegalArgumentException.class, () -> PduCodec.decode(new byte[47]));
        assertEquals(8, PduCodec.padded(5));
        assertEquals(0, PduCodec.padded(0));
    }

    @Test
    void extendedCdbAndBidiAhs() throws Exception {
        // type 1: AHSLength 17 = reserved byte + 16 CDB bytes beyond the first 16; type 2: length 5
        byte[] ahs = hex("0011 01 00" + "00112233445566778899aabbccddeeff" + "0005 02 00 00001000");
        Ahs a = Ahs.parse(ahs);
        assertEquals(16, a.extendedCdb().length);
        assertEquals(0x11, a.extendedCdb()[1]);
        assertEquals(4096, a.bidiReadLength());
        assertThrows(PduFormatException.class, () -> Ahs.parse(hex("0040 01 00 00000000")));
        assertThrows(PduFormatException.class, () -> Ahs.parse(hex("0001 07 00")));
    }

    @Test
    void lunAddressing() {
        assertEquals(0, Luns.decode(0));
        assertEquals(5, Luns.decode(0x0005000000000000L));
        assertEquals(300, Luns.decode(0x412c000000000000L));
        assertEquals(0x0005000000000000L, Luns.encode(5));
        assertEquals(0x412c000000000000L, Luns.encode(300));
        long odd = 0xc100000000000000L;
        assertEquals(odd, Luns.decode(odd));
    }

    @Test
    void serialNumbersWrap() {
        assertTrue(SerialNumber.lessThan(0xfffffffe, 1));
        assertFalse(SerialNumber.lessThan(1, 0xfffffffe));
        assertTrue(SerialNumber.lessOrEqual(5, 5));
    }
}
