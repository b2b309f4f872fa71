package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/**
 * {@code struct fuse_statx_out}: attr_valid u64, attr_valid_nsec u32, flags u32, spare u64[2],
 * then a 256-byte {@code struct fuse_statx} (same layout as the kernel's struct statx).
 */
public record StatxOut(long attrValid, int attrValidNsec, int mask, int blksize, int nlink, int uid, int gid,
        int mode, long ino, long size, long blocks, long timeSec, int timeNsec) {
    public static final int STATX_SIZE = 256;
    public static final int SIZE = 32 + STATX_SIZE;
    /** STATX_BASIC_STATS: type, mode, nlink, uid, gid, atime, mtime, ctime, ino, size, blocks. */
    public static final int STATX_BASIC_STATS = 0x7ff;

    /** Decodes the fields this server sets; atime/mtime/ctime are read from mtime. */
    public static StatxOut decode(ByteBuffer b, int at) {
        Wire.le(b);
        int s = at + 32;
        return new StatxOut(b.getLong(at), b.getInt(at + 8), b.getInt(s), b.getInt(s + 4), b.getInt(s + 16),
                b.getInt(s + 20), b.getInt(s + 24), b.getShort(s + 28) & 0xffff, b.getLong(s + 32),
                b.getLong(s + 40), b.getLong(s + 48), b.getLong(s + 112), b.getInt(s + 120));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        for (int i = 0; i < SIZE; i += 8) {
            b.putLong(at + i, 0);
        }
        b.putLong(at, attrValid).putInt(at + 8, attrValidNsec);
        int s = at + 32;
        b.putInt(s, mask).putInt(s + 4, blksize).putInt(s + 16, nlink).putInt(s + 20, uid).putInt(s + 24, gid)
                .putShort(s + 28, (short) mode).putLong(s + 32, ino).putLong(s + 40, size).putLong(s + 48, blocks);
        // atime, btime, ctime, mtime: struct fuse_sx_time {s64 sec; u32 nsec; s32 reserved} at 64, 80, 96, 112
        for (int t = 64; t <= 112; t += 16) {
            b.putLong(s + t, timeSec).putInt(s + t + 8, timeNsec);
        }
    }
}
