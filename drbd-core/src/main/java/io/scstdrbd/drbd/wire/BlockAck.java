package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_block_ack (24 bytes): every per-block ack on the meta socket. {@code blockId} echoes the request's. */
public record BlockAck(long sector, long blockId, int blksize, int seqNum) implements Payload {
    public static final int SIZE = 24;

    public static BlockAck read(ByteBuf in) {
        return new BlockAck(in.readLong(), in.readLong(), in.readInt(), in.readInt());
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(sector);
        out.writeLong(blockId);
        out.writeInt(blksize);
        out.writeInt(seqNum);
    }
}
