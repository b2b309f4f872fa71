package io.scstdrbd.drbd.wire;

import static io.scstdrbd.drbd.wire.WireTestSupport.decode;
import static io.scstdrbd.drbd.wire.WireTestSupport.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every payload record survives encode → decode unchanged, with its documented length. */
class PayloadRoundTripTest {
    private static final WireContext CTX = new WireContext(101, 0);

    static Stream<Arguments> payloads() {
        return Stream.of(
                Arguments.of(PacketType.CONNECTION_FEATURES, new ConnectionFeatures(86, 0, 121, 0, 1), 72),
                Arguments.of(PacketType.PROTOCOL, new ProtocolParams(3, 0, 5, 6, 1, true, "sha1"), 29),
                Arguments.of(PacketType.PROTOCOL_UPDATE, new ProtocolParams(1, 0, 0, 0, 0, false, ""), 25),
                Arguments.of(PacketType.SYNC_PARAM89, new SyncParams(40000, "md5", "sha1", 20, 10, 100, 102400), 148),
                Arguments.of(PacketType.SIZES, new Sizes(2096952, 0, 2096952, 1 << 20, 0, 0, null), 32),
                Arguments.of(PacketType.SIZES, new Sizes(8, 1, 2, 4096, 1, 2,
                        new QueueLimits(4096, 512, 0, 512, 0, 1, 0, 0, 0)), 56),
                Arguments.of(PacketType.STATE, new StatePayload(DrbdState.of(1, 2, 10, 8, 4)), 4),
                Arguments.of(PacketType.STATE_CHG_REQ, new ReqState(3, 1), 8),
                Arguments.of(PacketType.STATE_CHG_REPLY, new ReqStateReply(-19), 4),
                Arguments.of(PacketType.UUIDS, new Uuids84(0x1234, 5, 6, 7, 100, 4), 48),
                Arguments.of(PacketType.UUIDS110, new Uuids110(0xAB, 3, 32, 0, 0b10, List.of(0x55L),
                        List.of(1L, 2L, 3L)), 72),
                Arguments.of(PacketType.CURRENT_UUID, new CurrentUuid(9, 2), 16),
                Arguments.of(PacketType.SYNC_UUID, new SyncUuid(0x0001000000000007L), 8),
                Arguments.of(PacketType.AUTH_CHALLENGE, Bytes.of(new byte[64]), 64),
                Arguments.of(PacketType.AUTH_RESPONSE, Bytes.of(new byte[] {1, 2, 3}), 3),
                Arguments.of(PacketType.WRITE_ACK, new BlockAck(100, -1, 4096, 7), 24),
                Arguments.of(PacketType.RS_DATA_REQUEST, new BlockRequest(8, 0x77, 4096), 24),
                Arguments.of(PacketType.CSUM_RS_REQUEST, new BlockRequest(8, 0x77, 4096, Bytes.of(new byte[16])), 40),
                Arguments.of(PacketType.OUT_OF_SYNC, new BlockDesc(64, 8192), 16),
                Arguments.of(PacketType.BARRIER, new Barrier(0xdeadbeef), 8),
                Arguments.of(PacketType.BARRIER_ACK, new BarrierAck(5, 17), 8),
                Arguments.of(PacketType.CONFIRM_STABLE, new ConfirmStable(1, 2, 3), 24),
                Arguments.of(PacketType.DAGTAG, new Dagtag(123456), 8),
                Arguments.of(PacketType.PEER_ACK, new PeerAck(3, 99), 16),
                Arguments.of(PacketType.PEERS_IN_SYNC, new PeerBlockDesc(8, 3, 4096), 24),
                Arguments.of(PacketType.PEER_DAGTAG, new PeerDagtag(1, 2), 12),
                Arguments.of(PacketType.DELAY_PROBE, new DelayProbe(1, 2), 8),
                Arguments.of(PacketType.TWOPC_PREPARE, new TwopcRequest(77, 0, 1, 3, 0, 31 << 4, 9 << 4), 36),
                Arguments.of(PacketType.TWOPC_YES, new TwopcReply(77, 0, 3, 1, 0), 32),
                Arguments.of(PacketType.BITMAP, new PlainBitmap(new long[] {-1L, 0x8000000000000001L}), 16),
                Arguments.of(PacketType.BITMAP, new PlainBitmap(new long[0]), 0),
                Arguments.of(PacketType.COMPRESSED_BITMAP, new CompressedBitmap(0xE2, Bytes.of(new byte[] {1, 2})), 3),
                Arguments.of(PacketType.TRIM, new Trim(8, 1, 2, 64, 4096), 28),
                Arguments.of(PacketType.PING, Payload.EMPTY, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void roundTrip(PacketType type, Payload p, int expectedLength) throws Exception {
        assertEquals(expectedLength, p.length());
        byte[] bytes = encode(HeaderFormat.H100, type, 0, p);
        assertEquals(16 + expectedLength, bytes.length);
        Packet back = decode(bytes, CTX);
        assertEquals(type, back.type());
        assertEquals(0, back.volume());
        assertEquals(p, back.payload());
        assertNull(back.data());
    }

    @Test
    void dataPacketKeepsDataAsSliceAndDigest() throws Exception {
        DataHeader dh = new DataHeader(2048, 0x1122334455667788L, 9, WireConstants.DP_SEND_WRITE_ACK,
                Bytes.of(new byte[] {9, 8, 7, 6}));
        ByteBuf data = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        ByteBuf head = PacketCodec.encodeHead(Unpooled.buffer().alloc(), HeaderFormat.H100, PacketType.DATA, 3, dh, 8);
        ByteBuf all = Unpooled.wrappedBuffer(head, data);
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        Packet p = decode(bytes, new WireContext(121, 4));
        try {
            assertEquals(dh, p.payload());
            assertEquals(3, p.volume());
            assertEquals(8, p.dataLength());
            assertEquals(5, p.data().getByte(4));
        } finally {
            p.release();
        }
    }

    @Test
    void fixedSizePacketWithExtraBytesIsRejected() {
        byte[] ok = encode(HeaderFormat.H100, PacketType.BARRIER, 0xFFFF, new Barrier(1));
        ByteBuf in = Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0});
        try {
            assertThrows(ProtocolException.class,
                    () -> PacketCodec.decode(PacketType.BARRIER, 0xFFFF, in, CTX));
        } finally {
            in.release();
        }
        assertEquals(24, ok.length);
    }

    @Test
    void uuids110BitmapLookupByNodeId() {
        Uuids110 u = new Uuids110(1, 0, 0, 0, 0b1010, List.of(0xAAL, 0xBBL), List.of());
        assertEquals(0xAA, u.bitmapUuidFor(1));
        assertEquals(0xBB, u.bitmapUuidFor(3));
        assertEquals(0, u.bitmapUuidFor(0));
        assertEquals(0, u.bitmapUuidFor(2));
    }

    @Test
    void shortUuids110IsRejected() {
        ByteBuf in = Unpooled.buffer();
        in.writeZero(32);
        in.writeLong(0b111); // three bitmap UUIDs announced, none present
        try {
            assertThrows(ProtocolException.class, () -> PacketCodec.decode(PacketType.UUIDS110, 0, in, CTX));
        } finally {
            in.release();
        }
    }
}
