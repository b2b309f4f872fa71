package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** o_qlim (24 bytes), the tail of P_SIZES when FF_WSAME was agreed. */
public record QueueLimits(int physicalBlockSize, int logicalBlockSize, int alignmentOffset, int ioMin, int ioOpt,
        int discardEnabled, int discardZeroesData, int writeSameCapable, int bmBlockShiftMinus12) {
    public static final int SIZE = 24;

    public static QueueLimits read(ByteBuf in) {
        return new QueueLimits(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                in.readUnsignedByte(), in.readUnsignedByte(), in.readUnsignedByte(), in.readUnsignedByte());
    }

    public void write(ByteBuf out) {
        out.writeInt(physicalBlockSize);
        out.writeInt(logicalBlockSize);
        out.writeInt(alignmentOffset);
        out.writeInt(ioMin);
        out.writeInt(ioOpt);
        out.writeByte(discardEnabled);
        out.writeByte(discardZeroesData);
        out.writeByte(writeSameCapable);
        out.writeByte(bmBlockShiftMinus12);
    }
}
