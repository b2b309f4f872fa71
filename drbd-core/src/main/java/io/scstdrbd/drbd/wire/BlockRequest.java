package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/**
 * p_block_req (24 bytes) and, for P_CSUM_RS_REQUEST and P_OV_REPLY, the digest that follows it.
 * Used by P_DATA_REQUEST, P_RS_DATA_REQUEST, P_OV_REQUEST, P_OV_REPLY, P_CSUM_RS_REQUEST.
 */
public record BlockRequest(long sector, long blockId, int blksize, Bytes digest) implements Payload {
    public static final int SIZE = 24;

    public BlockRequest {
        digest = digest == null ? Bytes.EMPTY : digest;
    }

    public BlockRequest(long sector, long blockId, int blksize) {
        this(sector, blockId, blksize, Bytes.EMPTY);
    }

    public static BlockRequest read(ByteBuf in, int length) {
        long sector = in.readLong();
        long id = in.readLong();
        int size = in.readInt();
        in.skipBytes(4);
        return new BlockRequest(sector, id, size, Bytes.read(in, length - SIZE));
    }

    @Override
    public int length() {
        return SIZE + digest.length();
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(sector);
        out.writeLong(blockId);
        out.writeInt(blksize);
        out.writeInt(0);
        digest.write(out);
    }
}
