package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_dagtag (8 bytes): sets the receiver's dagtag base. */
public record Dagtag(long dagtag) implements Payload {
    public static final int SIZE = 8;

    public static Dagtag read(ByteBuf in) {
        return new Dagtag(in.readLong());
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(dagtag);
    }
}
