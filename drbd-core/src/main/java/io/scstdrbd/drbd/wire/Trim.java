package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_trim (28 bytes): P_TRIM / P_ZEROES, a p_data plus the byte count; no data follows. */
public record Trim(long sector, long blockId, int seqNum, int dpFlags, int size) implements Payload {
    public static final int SIZE = 28;

    public static Trim read(ByteBuf in) {
        return new Trim(in.readLong(), in.readLong(), in.readInt(), in.readInt(), in.readInt());
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(sector);
        out.writeLong(blockId);
        out.writeInt(seqNum);
        out.writeInt(dpFlags);
        out.writeInt(size);
    }
}
