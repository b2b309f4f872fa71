package io.scstdrbd.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.scstdrbd.iscsi.pdu.PduHeader;

/**
 * One received PDU: its decoded header, AHS bytes and data segment (without padding and digest).
 *
 * <p>Ownership: the receiver owns {@code data} and must {@link #release()} it or hand it on.
 *
 * @param dataDigestOk false when DataDigest is on and the data segment's digest did not match
 */
public record InboundPdu(PduHeader header, byte[] bhs, byte[] ahs, ByteBuf data, boolean dataDigestOk) {
    public int dataLength() {
        return data.readableBytes();
    }

    public void release() {
        data.release();
    }
}
