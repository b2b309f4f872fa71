package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_block_desc (16 bytes): P_OUT_OF_SYNC and P_RS_DEALLOCATED. */
public record BlockDesc(long sector, int blksize) implements Payload {
    public static final int SIZE = 16;

    public static BlockDesc read(ByteBuf in) {
        long s = in.readLong();
        int size = in.readInt();
        in.skipBytes(4);
        return new BlockDesc(s, size);
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(sector);
        out.writeInt(blksize);
        out.writeInt(0);
    }
}
