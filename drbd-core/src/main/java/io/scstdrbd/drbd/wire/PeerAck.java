package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_peer_ack (16 bytes): writes up to {@code dagtag} completed on the nodes in {@code mask}. */
public record PeerAck(long mask, long dagtag) implements Payload {
    public static final int SIZE = 16;

    public static PeerAck read(ByteBuf in) {
        return new PeerAck(in.readLong(), in.readLong());
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(mask);
        out.writeLong(dagtag);
    }
}
