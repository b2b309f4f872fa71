package io.scstdrbd.drbd.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;

final class WireTestSupport {
    private WireTestSupport() {
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s_]", ""));
    }

    /** Encodes the packet (h100 unless a format is given) and returns the bytes. */
    static byte[] encode(HeaderFormat f, PacketType t, int vol, Payload p) {
        ByteBuf b = PacketCodec.encodeHead(Unpooled.buffer().alloc(), f, t, vol, p, 0);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** Decodes framed bytes back (header included) and checks the header. */
    static Packet decode(byte[] bytes, WireContext ctx) throws ProtocolException {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            HeaderFormat f = HeaderCodec.peekFormat(in);
            PacketHeader h = HeaderCodec.read(in, f);
            assertEquals(in.readableBytes(), h.length(), "declared length");
            PacketType t = PacketType.fromCode(h.command());
            return PacketCodec.decode(t, h.volume(), in, ctx);
        } finally {
            in.release();
        }
    }

    static String hexOf(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
