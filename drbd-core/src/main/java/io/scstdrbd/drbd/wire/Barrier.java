package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_barrier (8 bytes): closes an epoch; the number is opaque and echoed in the barrier ack. */
public record Barrier(int barrier) implements Payload {
    public static final int SIZE = 8;

    public static Barrier read(ByteBuf in) {
        Barrier b = new Barrier(in.readInt());
        in.skipBytes(4);
        return b;
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeInt(barrier);
        out.writeInt(0);
    }
}
