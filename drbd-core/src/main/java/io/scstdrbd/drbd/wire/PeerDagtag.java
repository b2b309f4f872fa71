package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_peer_dagtag (12 bytes): P_PEER_DAGTAG. */
public record PeerDagtag(long dagtag, int nodeId) implements Payload {
    public static final int SIZE = 12;

    public static PeerDagtag read(ByteBuf in) {
        return new PeerDagtag(in.readLong(), in.readInt());
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(dagtag);
        out.writeInt(nodeId);
    }
}
