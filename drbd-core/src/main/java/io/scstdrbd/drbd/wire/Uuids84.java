package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_uuids (48 bytes): the 8.4-dialect UUID set; {@code bitmap} is the sender's bitmap UUID toward the receiver. */
public record Uuids84(long current, long bitmap, long history0, long history1, long dirtyBits, long flags)
        implements Payload {
    public static final int SIZE = 48;

    public static Uuids84 read(ByteBuf in) {
        return new Uuids84(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(current);
        out.writeLong(bitmap);
        out.writeLong(history0);
        out.writeLong(history1);
        out.writeLong(dirtyBits);
        out.writeLong(flags);
    }
}
