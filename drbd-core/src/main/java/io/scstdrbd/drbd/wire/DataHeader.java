package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/**
 * p_data (24 bytes) plus the data-integrity digest that follows it when integrity-alg is set:
 * the fixed part of P_DATA, P_DATA_REPLY and P_RS_DATA_REPLY. The data bytes travel beside it.
 * {@code blockId} is an opaque cookie echoed by the receiver.
 */
public record DataHeader(long sector, long blockId, int seqNum, int dpFlags, Bytes digest) implements Payload {
    public static final int SIZE = 24;

    public DataHeader {
        digest = digest == null ? Bytes.EMPTY : digest;
    }

    public DataHeader(long sector, long blockId, int seqNum, int dpFlags) {
        this(sector, blockId, seqNum, dpFlags, Bytes.EMPTY);
    }

    public static DataHeader read(ByteBuf in, int digestLength) {
        return new DataHeader(in.readLong(), in.readLong(), in.readInt(), in.readInt(), Bytes.read(in, digestLength));
    }

    public boolean hasFlag(int flag) {
        return (dpFlags & flag) != 0;
    }

    @Override
    public int length() {
        return SIZE + digest.length();
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(sector);
        out.writeLong(blockId);
        out.writeInt(seqNum);
        out.writeInt(dpFlags);
        digest.write(out);
    }
}
