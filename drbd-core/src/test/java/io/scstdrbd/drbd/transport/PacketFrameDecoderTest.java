package io.scstdrbd.drbd.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.scstdrbd.drbd.testutil.LeakCheck;
import io.scstdrbd.drbd.wire.Barrier;
import io.scstdrbd.drbd.wire.HeaderFormat;
import io.scstdrbd.drbd.wire.PacketCodec;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.Payload;
import io.scstdrbd.drbd.wire.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
class PacketFrameDecoderTest {
    private static ByteBuf packet(HeaderFormat f, PacketType t, Payload p) {
        return PacketCodec.encodeHead(Unpooled.buffer().alloc(), f, t, 0xFFFF, p, 0);
    }

    private static ByteBuf raw(int... bytes) {
        ByteBuf b = Unpooled.buffer();
        for (int x : bytes) {
            b.writeByte(x);
        }
        return b;
    }

    private static ByteBuf h100(int cmd, long len) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(0x8620ec20).writeShort(0).writeShort(cmd).writeInt((int) len).writeInt(0);
        return b;
    }

    @Test
    void framesArriveWhateverTheSegmentation() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        ByteBuf all = Unpooled.wrappedBuffer(packet(HeaderFormat.H80, PacketType.INITIAL_DATA, Payload.EMPTY),
                packet(HeaderFormat.H100, PacketType.BARRIER, new Barrier(7)),
                packet(HeaderFormat.H100, PacketType.PING, Payload.EMPTY));
        while (all.isReadable()) {
            ch.writeInbound(all.readRetainedSlice(Math.min(3, all.readableBytes())));
        }
        all.release();
        Frame f1 = ch.readInbound();
        Frame f2 = ch.readInbound();
        Frame f3 = ch.readInbound();
        assertEquals(PacketType.INITIAL_DATA, f1.type());
        assertEquals(PacketType.BARRIER, f2.type());
        assertEquals(8, f2.payload().readableBytes());
        assertEquals(7, f2.payload().getInt(0));
        assertEquals(PacketType.PING, f3.type());
        f1.release();
        f2.release();
        f3.release();
        assertFalse(ch.finish());
    }

    @Test
    void largeDataPacketGatheredFromManyReadsKeepsEveryByte() {
        // a 1 MiB P_DATA in 61 KiB reads, then a small packet in the same last read: the large one is
        // chained from the read buffers (no merge), the small ones still merge
        int dataLen = (1 << 20) + 24;
        java.util.Random r = new java.util.Random(5);
        byte[] body = new byte[dataLen];
        r.nextBytes(body);
        ByteBuf head = h100(PacketType.DATA.code(), dataLen);
        ByteBuf tail = packet(HeaderFormat.H100, PacketType.BARRIER, new Barrier(9));
        ByteBuf all = Unpooled.buffer();
        all.writeBytes(head).writeBytes(body).writeBytes(tail);
        head.release();
        tail.release();
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        int reads = 0;
        while (all.isReadable()) {
            ch.writeInbound(all.readRetainedSlice(Math.min(61 * 1024, all.readableBytes())));
            reads++;
        }
        all.release();
        assertTrue(reads > PacketFrameDecoder.MERGE_LIMIT / 1024 / 61 + 1);
        Frame data = ch.readInbound();
        Frame barrier = ch.readInbound();
        assertEquals(PacketType.DATA, data.type());
        byte[] got = new byte[data.payload().readableBytes()];
        data.payload().getBytes(data.payload().readerIndex(), got);
        assertTrue(java.util.Arrays.equals(body, got), "payload bytes survive the chaining");
        assertEquals(PacketType.BARRIER, barrier.type());
        assertEquals(9, barrier.payload().getInt(barrier.payload().readerIndex()));
        data.release();
        barrier.release();
        assertFalse(ch.finish());
    }

    private static ProtocolException refused(ByteBuf in) {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(in));
        ch.finishAndReleaseAll();
        assertTrue(e.getCause() instanceof ProtocolException, e.toString());
        return (ProtocolException) e.getCause();
    }

    @Test
    void hostileStreamsAreRefused() {
        refused(raw(0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0));
        refused(raw(0x83, 0x5a, 0, 0, 0, 0, 0, 8));                  // h95 never agreed
        refused(packet(HeaderFormat.H80, PacketType.PING, Payload.EMPTY)); // h80 after the start
        refused(packet(HeaderFormat.H100, PacketType.INITIAL_META, Payload.EMPTY));
        refused(h100(0x25, 0));                                        // unknown, not ignorable
        refused(h100(PacketType.BARRIER.code(), 9));                   // fixed size violated
        refused(h100(PacketType.BITMAP.code(), 4096));                 // bitmap chunk too large
        ProtocolException e = refused(h100(PacketType.DATA.code(), 0x7fffffffL)); // huge declared length
        assertTrue(e.getMessage().contains("declares"));
        ByteBuf padded = h100(PacketType.PING.code(), 0);
        padded.setInt(12, 1);
        refused(padded);
    }

    @Test
    void hugeDeclaredLengthIsRefusedBeforeTheBodyArrives() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        assertThrows(DecoderException.class, () -> ch.writeInbound(h100(PacketType.DATA.code(), 64L << 20)));
        ch.finishAndReleaseAll();
    }

    @Test
    void ignorableUnknownCommandsAreSkipped() {
        EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder());
        ByteBuf b = h100(0x123, 5);
        b.writeZero(5);
        ch.writeInbound(Unpooled.wrappedBuffer(b, packet(HeaderFormat.H100, PacketType.PING_ACK, Payload.EMPTY)));
        Frame f = ch.readInbound();
        assertEquals(PacketType.PING_ACK, f.type());
        f.release();
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }
}
