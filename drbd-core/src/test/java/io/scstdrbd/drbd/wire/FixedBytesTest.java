package io.scstdrbd.drbd.wire;

import static io.scstdrbd.drbd.wire.WireTestSupport.decode;
import static io.scstdrbd.drbd.wire.WireTestSupport.encode;
import static io.scstdrbd.drbd.wire.WireTestSupport.hex;
import static io.scstdrbd.drbd.wire.WireTestSupport.hexOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte-exact encodings taken from the layouts in the DRBD reference (drbd.md §3, §5, §8.3). */
class FixedBytesTest {

    @Test
    void firstPacketsAreH80WithLengthZero() {
        assertEquals("83740267fff20000", hexOf(encode(HeaderFormat.H80, PacketType.INITIAL_DATA, 0xFFFF, Payload.EMPTY)));
        assertEquals("83740267fff10000", hexOf(encode(HeaderFormat.H80, PacketType.INITIAL_META, 0xFFFF, Payload.EMPTY)));
    }

    @Test
    void connectionFeaturesTravelAsH80Length72() throws Exception {
        byte[] b = encode(HeaderFormat.H80, PacketType.CONNECTION_FEATURES, 0xFFFF,
                new ConnectionFeatures(86, 0, 121, 1, 0));
        String expect = "83740267fffe0048"
                + "00000056" + "00000000" + "00000079" + "00000001" + "00000000" + "00000000"
                + "00".repeat(48);
        assertEquals(expect, hexOf(b));
        assertEquals(new ConnectionFeatures(86, 0, 121, 1, 0), decode(b, WireContext.INITIAL).payload());
    }

    @Test
    void h100HeaderLayout() {
        byte[] b = encode(HeaderFormat.H100, PacketType.PING, 0xFFFF, Payload.EMPTY);
        assertEquals("8620ec20ffff001300000000" + "00000000", hexOf(b));
    }

    @Test
    void h100WithNonZeroPadIsRejected() {
        ByteBuf in = Unpooled.wrappedBuffer(hex("8620ec20 ffff 0013 00000000 00000001"));
        try {
            assertThrows(ProtocolException.class, () -> HeaderCodec.read(in, HeaderCodec.peekFormat(in)));
        } finally {
            in.release();
        }
    }

    @Test
    void h95IsRecognisedByItsMagic() throws Exception {
        ByteBuf in = Unpooled.wrappedBuffer(hex("835a 0000 00010000"));
        try {
            assertEquals(HeaderFormat.H95, HeaderCodec.peekFormat(in));
            PacketHeader h = HeaderCodec.read(in, HeaderFormat.H95);
            assertEquals(0x10000, h.length());
        } finally {
            in.release();
        }
    }

    @Test
    void compressedBitmapExampleFromReference() throws Exception {
        // drbd.md §8.3: bm_bits 262119, bits 0-1023 set
        byte[] expect = hex("8620ec20 0000 0024 00000008 00000000 e23fcfe2cf567b00");
        CompressedBitmap cb = new CompressedBitmap(0xE2, Bytes.of(hex("3fcfe2cf567b00")));
        assertArrayEquals(expect, encode(HeaderFormat.H100, PacketType.COMPRESSED_BITMAP, 0, cb));
        CompressedBitmap back = (CompressedBitmap) decode(expect, new WireContext(101, 0)).payload();
        assertEquals(6, back.padBits());
        assertEquals(2, back.codeType());
        assertEquals(true, back.firstRunSet());
    }

    @Test
    void stateWordBitPositions() {
        // role Primary(1), peer Secondary(2) <<2, conn Established(10) <<4, disk UpToDate 8.4 (8) <<9,
        // pdsk Inconsistent 8.4 (4) <<13, susp bit 17, user_isp bit 20, quorum bit 23
        DrbdState s = new DrbdState(1, 2, 10, 8, 4, true, false, false, true, false, false, true);
        int w = 1 | (2 << 2) | (10 << 4) | (8 << 9) | (4 << 13) | (1 << 17) | (1 << 20) | (1 << 23);
        assertEquals(w, s.encode());
        assertEquals(s, DrbdState.decode(w));
        byte[] b = encode(HeaderFormat.H100, PacketType.STATE, 0, new StatePayload(s));
        assertEquals(String.format("%08x", w), hexOf(b).substring(32));
    }

    @Test
    void uuidsLayout() {
        byte[] b = encode(HeaderFormat.H100, PacketType.UUIDS, 0,
                new Uuids84(0x1111222233334444L, 4, 0, 0, 262144, 0x5));
        assertEquals("8620ec200000000c00000030" + "00000000"
                + "1111222233334444" + "0000000000000004" + "0000000000000000" + "0000000000000000"
                + "0000000000040000" + "0000000000000005", hexOf(b));
    }

    @Test
    void uuids110Layout() {
        byte[] b = encode(HeaderFormat.H100, PacketType.UUIDS110, 0,
                new Uuids110(0xA1, 7, 0x20, 0, 0b10, List.of(0xB2L), List.of(0xC3L)));
        assertEquals("8620ec200000004200000038" + "00000000"
                + "00000000000000a1" + "0000000000000007" + "0000000000000020" + "0000000000000000"
                + "0000000000000002" + "00000000000000b2" + "00000000000000c3", hexOf(b));
    }

    @Test
    void protocolLayoutWithIntegrityString() {
        byte[] b = encode(HeaderFormat.H100, PacketType.PROTOCOL, 0xFFFF,
                new ProtocolParams(3, 0, 0, 0, 1, false, "crc32c"));
        assertEquals("8620ec20ffff000b0000001f" + "00000000"
                + "00000003" + "00000000" + "00000000" + "00000000" + "00000001" + "00000000"
                + "63726333326300", hexOf(b));
    }

    @Test
    void syncParamLayout() {
        byte[] b = encode(HeaderFormat.H100, PacketType.SYNC_PARAM89, 0,
                new SyncParams(40000, "md5", "", 0, 10, 100, 102400));
        String s = hexOf(b);
        assertEquals(16 + 148, b.length);
        assertEquals("00009c40", s.substring(32, 40));
        assertEquals("6d643500", s.substring(40, 48));
        assertEquals("00000000" + "0000000a" + "00000064" + "00019000", s.substring(32 + 2 * 132));
    }

    @Test
    void dataHeaderAndAcks() {
        byte[] b = encode(HeaderFormat.H100, PacketType.WRITE_ACK, 0, new BlockAck(0x800, 0x0102030405060708L, 4096, 3));
        assertEquals("8620ec200000001600000018" + "00000000"
                + "0000000000000800" + "0102030405060708" + "00001000" + "00000003", hexOf(b));
        byte[] r = encode(HeaderFormat.H100, PacketType.RS_DATA_REQUEST, 0, new BlockRequest(8, -1, 4096));
        assertEquals("0000000000000008" + "ffffffffffffffff" + "00001000" + "00000000", hexOf(r).substring(32));
    }

    @Test
    void twopcRequestLayoutWithoutV2() {
        byte[] b = encode(HeaderFormat.H100, PacketType.TWOPC_PREPARE, 0xFFFF,
                new TwopcRequest(0x11223344, 0, 1, 3, 0, 31 << 4, 9 << 4));
        assertEquals("11223344" + "00000000" + "00000001" + "0000000000000003" + "0000000000000000"
                + "000001f0" + "00000090", hexOf(b).substring(32));
    }

    @Test
    void plainBitmapWordsAreLittleEndian() {
        byte[] b = encode(HeaderFormat.H100, PacketType.BITMAP, 0, new PlainBitmap(new long[] {0x0102030405060708L}));
        assertEquals("0807060504030201", hexOf(b).substring(32));
    }

    @Test
    void barrierAckEchoesNumberAndCount() {
        byte[] b = encode(HeaderFormat.H100, PacketType.BARRIER_ACK, 0xFFFF, new BarrierAck(0x2a, 2048));
        assertEquals("8620ec20ffff001c00000008" + "00000000" + "0000002a" + "00000800", hexOf(b));
    }
}
