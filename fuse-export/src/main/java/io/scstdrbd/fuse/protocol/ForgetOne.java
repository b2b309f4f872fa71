package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/**
 * {@code struct fuse_forget_one}, 16 bytes: one entry of BATCH_FORGET, which starts with
 * {@code struct fuse_batch_forget_in} (count u32, dummy u32). FORGET's body is a bare nlookup u64.
 */
public record ForgetOne(long nodeid, long nlookup) {
    public static final int SIZE = 16;
    public static final int BATCH_HEADER_SIZE = 8;

    public static ForgetOne decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new ForgetOne(b.getLong(at), b.getLong(at + 8));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putLong(at, nodeid).putLong(at + 8, nlookup);
    }

    /** Number of entries announced by a BATCH_FORGET body. */
    public static int batchCount(ByteBuffer b, int at) {
        return Wire.le(b).getInt(at);
    }
}
