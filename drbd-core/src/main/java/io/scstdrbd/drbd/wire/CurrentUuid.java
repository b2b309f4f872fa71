package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_current_uuid (16 bytes): P_CURRENT_UUID of diskless nodes. */
public record CurrentUuid(long uuid, long weakNodes) implements Payload {
    public static final int SIZE = 16;

    public static CurrentUuid read(ByteBuf in) {
        return new CurrentUuid(in.readLong(), in.readLong());
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(uuid);
        out.writeLong(weakNodes);
    }
}
