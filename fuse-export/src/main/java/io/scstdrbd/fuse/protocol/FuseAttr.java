package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_attr}, 88 bytes: what stat(2) shows for a node. */
public record FuseAttr(long ino, long size, long blocks, long atime, long mtime, long ctime,
        int atimensec, int mtimensec, int ctimensec, int mode, int nlink, int uid, int gid, int rdev,
        int blksize, int flags) {
    public static final int SIZE = 88;

    public static FuseAttr decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new FuseAttr(b.getLong(at), b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 24),
                b.getLong(at + 32), b.getLong(at + 40), b.getInt(at + 48), b.getInt(at + 52), b.getInt(at + 56),
                b.getInt(at + 60), b.getInt(at + 64), b.getInt(at + 68), b.getInt(at + 72), b.getInt(at + 76),
                b.getInt(at + 80), b.getInt(at + 84));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putLong(at, ino).putLong(at + 8, size).putLong(at + 16, blocks).putLong(at + 24, atime)
                .putLong(at + 32, mtime).putLong(at + 40, ctime).putInt(at + 48, atimensec)
                .putInt(at + 52, mtimensec).putInt(at + 56, ctimensec).putInt(at + 60, mode)
                .putInt(at + 64, nlink).putInt(at + 68, uid).putInt(at + 72, gid).putInt(at + 76, rdev)
                .putInt(at + 80, blksize).putInt(at + 84, flags);
    }
}
