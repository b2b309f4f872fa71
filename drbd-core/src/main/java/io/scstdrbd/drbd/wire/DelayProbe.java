package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_delay_probe93 (8 bytes): obsolete, accepted and ignored. */
public record DelayProbe(int seqNum, int offset) implements Payload {
    public static final int SIZE = 8;

    public static DelayProbe read(ByteBuf in) {
        return new DelayProbe(in.readInt(), in.readInt());
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeInt(seqNum);
        out.writeInt(offset);
    }
}
