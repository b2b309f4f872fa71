package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/**
 * p_sizes (32 bytes, 56 with o_qlim): sizes in sectors, max_bio_size in bytes.
 * {@code qlim} is null in the 32-byte form.
 */
public record Sizes(long dSize, long uSize, long cSize, int maxBioSize, int queueOrderType, int ddsFlags,
        QueueLimits qlim) implements Payload {
    public static final int SIZE = 32;

    public static Sizes read(ByteBuf in, int length) throws ProtocolException {
        if (length != SIZE && length != SIZE + QueueLimits.SIZE) {
            throw new ProtocolException("P_SIZES of " + length + " bytes");
        }
        long d = in.readLong();
        long u = in.readLong();
        long c = in.readLong();
        int max = in.readInt();
        int qot = in.readUnsignedShort();
        int dds = in.readUnsignedShort();
        QueueLimits q = length > SIZE ? QueueLimits.read(in) : null;
        return new Sizes(d, u, c, max, qot, dds, q);
    }

    @Override
    public int length() {
        return qlim == null ? SIZE : SIZE + QueueLimits.SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(dSize);
        out.writeLong(uSize);
        out.writeLong(cSize);
        out.writeInt(maxBioSize);
        out.writeShort(queueOrderType);
        out.writeShort(ddsFlags);
        if (qlim != null) {
            qlim.write(out);
        }
    }
}
