package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_setattr_in}, 88 bytes; {@code valid} says which fields mean something (FATTR_*). */
public record SetattrIn(int valid, long fh, long size, long lockOwner, long atime, long mtime, long ctime,
        int atimensec, int mtimensec, int ctimensec, int mode, int uid, int gid) {
    public static final int SIZE = 88;

    public static SetattrIn decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new SetattrIn(b.getInt(at), b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 24),
                b.getLong(at + 32), b.getLong(at + 40), b.getLong(at + 48), b.getInt(at + 56), b.getInt(at + 60),
                b.getInt(at + 64), b.getInt(at + 68), b.getInt(at + 76), b.getInt(at + 80));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putInt(at, valid).putInt(at + 4, 0).putLong(at + 8, fh).putLong(at + 16, size).putLong(at + 24, lockOwner)
                .putLong(at + 32, atime).putLong(at + 40, mtime).putLong(at + 48, ctime).putInt(at + 56, atimensec)
                .putInt(at + 60, mtimensec).putInt(at + 64, ctimensec).putInt(at + 68, mode).putInt(at + 72, 0)
                .putInt(at + 76, uid).putInt(at + 80, gid).putInt(at + 84, 0);
    }

    public boolean has(int fattr) {
        return (valid & fattr) != 0;
    }
}
