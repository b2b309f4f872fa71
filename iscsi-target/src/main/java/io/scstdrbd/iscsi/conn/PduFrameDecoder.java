package io.scstdrbd.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.scstdrbd.iscsi.pdu.Digests;
import io.scstdrbd.iscsi.pdu.PduCodec;
import io.scstdrbd.iscsi.pdu.PduHeader;
import io.scstdrbd.iscsi.pdu.Reject;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Cuts the byte stream into PDUs (RFC 7143 11.2): BHS, AHS, header digest, padded data segment,
 * data digest. Every declared length is checked against the negotiated maximum as soon as the
 * BHS is in, before anything is buffered for it. Data segments are zero-copy slices of the
 * received buffers (composite cumulation). On a framing error it emits one {@link FramingError}
 * and discards all further input.
 */
final class PduFrameDecoder extends ByteToMessageDecoder {
    private static final byte[] NO_AHS = new byte[0];

    private final FrameLimits limits;
    private boolean failed;

    PduFrameDecoder(FrameLimits limits) {
        this.limits = limits;
        setCumulator(COMPOSITE_CUMULATOR);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < PduCodec.BHS_LENGTH) {
            return;
        }
        int ri = in.readerIndex();
        byte[] bhs = new byte[PduCodec.BHS_LENGTH];
        in.getBytes(ri, bhs);
        int ahsLen = PduCodec.totalAhsLength(bhs);
        int dsl = PduCodec.dataSegmentLength(bhs);
        if (dsl > limits.maxDataSegmentLength) {
            fail(out, bhs, "DataSegmentLength " + dsl + " exceeds MaxRecvDataSegmentLength "
                    + limits.maxDataSegmentLength, Reject.PROTOCOL_ERROR);
            in.skipBytes(in.readableBytes());
            return;
        }
        int hd = limits.headerDigest ? 4 : 0;
        int dd = limits.dataDigest && dsl > 0 ? 4 : 0;
        int headerEnd = PduCodec.BHS_LENGTH + ahsLen;
        int total = headerEnd + hd + PduCodec.padded(dsl) + dd;
        if (in.readableBytes() < total) {
            return;
        }
        if (hd != 0) {
            CRC32C crc = new CRC32C();
            update(crc, in, ri, headerEnd);
            int want = digestAt(in, ri + headerEnd);
            if ((int) crc.getValue() != want) {
                fail(out, null, "header digest error", -1);
                in.skipBytes(in.readableBytes());
                return;
            }
        }
        byte[] ahs = NO_AHS;
        if (ahsLen > 0) {
            ahs = new byte[ahsLen];
            in.getBytes(ri + PduCodec.BHS_LENGTH, ahs);
        }
        int dataIdx = ri + headerEnd + hd;
        boolean dataOk = true;
        if (dd != 0) {
            CRC32C crc = new CRC32C();
            update(crc, in, dataIdx, PduCodec.padded(dsl));
            dataOk = (int) crc.getValue() == digestAt(in, dataIdx + PduCodec.padded(dsl));
        }
        ByteBuf data = dsl > 0 ? in.retainedSlice(dataIdx, dsl) : Unpooled.EMPTY_BUFFER;
        in.skipBytes(total);
        PduHeader header = PduCodec.decode(bhs);
        out.add(new InboundPdu(header, bhs, ahs, data, dataOk));
    }

    private void fail(List<Object> out, byte[] bhs, String message, int reason) {
        failed = true;
        out.add(new FramingError(bhs, message, reason));
    }

    private static void update(CRC32C crc, ByteBuf buf, int index, int length) {
        if (buf.nioBufferCount() == 1) {
            crc.update(buf.nioBuffer(index, length));
            return;
        }
        for (ByteBuffer b : buf.nioBuffers(index, length)) {
            crc.update(b);
        }
    }

    private static int digestAt(ByteBuf buf, int index) {
        byte[] d = new byte[4];
        buf.getBytes(index, d);
        return Digests.getDigest(d, 0);
    }
}
