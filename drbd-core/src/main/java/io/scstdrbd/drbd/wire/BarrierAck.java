package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_barrier_ack (8 bytes): the epoch's number and how many writes it held. */
public record BarrierAck(int barrier, int setSize) implements Payload {
    public static final int SIZE = 8;

    public static BarrierAck read(ByteBuf in) {
        return new BarrierAck(in.readInt(), in.readInt());
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeInt(barrier);
        out.writeInt(setSize);
    }
}
