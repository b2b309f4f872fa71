package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_confirm_stable (24 bytes): a partial barrier ack (DRBD 9). */
public record ConfirmStable(long oldestBlockId, long youngestBlockId, int setSize) implements Payload {
    public static final int SIZE = 24;

    public static ConfirmStable read(ByteBuf in) {
        ConfirmStable c = new ConfirmStable(in.readLong(), in.readLong(), in.readInt());
        in.skipBytes(4);
        return c;
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(oldestBlockId);
        out.writeLong(youngestBlockId);
        out.writeInt(setSize);
        out.writeInt(0);
    }
}
