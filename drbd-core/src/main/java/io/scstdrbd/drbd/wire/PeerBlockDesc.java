package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_peer_block_desc (24 bytes): P_PEERS_IN_SYNC. */
public record PeerBlockDesc(long sector, long mask, int size) implements Payload {
    public static final int SIZE = 24;

    public static PeerBlockDesc read(ByteBuf in) {
        PeerBlockDesc d = new PeerBlockDesc(in.readLong(), in.readLong(), in.readInt());
        in.skipBytes(4);
        return d;
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(sector);
        out.writeLong(mask);
        out.writeInt(size);
        out.writeInt(0);
    }
}
