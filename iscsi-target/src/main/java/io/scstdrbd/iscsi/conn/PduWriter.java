package io.scstdrbd.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.scstdrbd.iscsi.pdu.Digests;
import io.scstdrbd.iscsi.pdu.PduCodec;
import io.scstdrbd.iscsi.pdu.PduHeader;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Frames outgoing PDUs: BHS (+ header digest) in a small buffer, the data segment as given
 * (zero-copy), then padding and data digest. Writes without flushing; the connection flushes once
 * per batch. Event-loop only.
 */
final class PduWriter {
    /** Data segments up to this size are copied next to the header: one buffer instead of two. */
    private static final int INLINE_DATA = 512;

    private final FrameLimits limits;

    PduWriter(FrameLimits limits) {
        this.limits = limits;
    }

    /**
     * Writes a PDU with a data segment. Ownership of {@code data} passes to the channel.
     *
     * @param promise completed when the last buffer of the PDU is written (or failed); may be a void promise
     */
    void write(ChannelHandlerContext ctx, PduHeader h, ByteBuf data, ChannelPromise promise) {
        int dsl = data == null ? 0 : data.readableBytes();
        int hd = limits.headerDigest ? 4 : 0;
        int dd = limits.dataDigest && dsl > 0 ? 4 : 0;
        int pad = PduCodec.padded(dsl) - dsl;
        byte[] bhs = PduCodec.encode(h, 0, dsl);
        boolean inline = dsl <= INLINE_DATA;
        ByteBuf head = ctx.alloc().directBuffer(PduCodec.BHS_LENGTH + hd + (inline ? dsl + pad + dd : 0));
        head.writeBytes(bhs);
        if (hd != 0) {
            head.writeIntLE(Digests.crc32c(bhs, 0, bhs.length));
        }
        int dataDigest = dd != 0 ? dataDigest(data, dsl) : 0;
        if (inline) {
            if (dsl > 0) {
                head.writeBytes(data, data.readerIndex(), dsl);
                data.release();
            } else if (data != null) {
                data.release();
            }
            head.writeZero(pad);
            if (dd != 0) {
                head.writeIntLE(dataDigest);
            }
            ctx.write(head, promise);
            return;
        }
        ctx.write(head, ctx.voidPromise());
        if (pad == 0 && dd == 0) {
            ctx.write(data, promise);
            return;
        }
        ctx.write(data, ctx.voidPromise());
        ByteBuf tail = ctx.alloc().directBuffer(pad + dd);
        tail.writeZero(pad);
        if (dd != 0) {
            tail.writeIntLE(dataDigest);
        }
        ctx.write(tail, promise);
    }

    /** Writes a PDU whose small data segment is a byte array (text, sense, ping data). */
    void write(ChannelHandlerContext ctx, PduHeader h, byte[] data, ChannelPromise promise) {
        ByteBuf buf = data == null || data.length == 0 ? null : io.netty.buffer.Unpooled.wrappedBuffer(data);
        write(ctx, h, buf, promise);
    }

    private static int dataDigest(ByteBuf data, int dsl) {
        CRC32C crc = new CRC32C();
        if (data.nioBufferCount() == 1) {
            crc.update(data.nioBuffer(data.readerIndex(), dsl));
        } else {
            for (ByteBuffer b : data.nioBuffers(data.readerIndex(), dsl)) {
                crc.update(b);
            }
        }
        Digests.updatePad(crc, dsl);
        return (int) crc.getValue();
    }
}
