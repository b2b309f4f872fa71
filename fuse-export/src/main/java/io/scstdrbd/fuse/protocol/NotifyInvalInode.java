package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/**
 * {@code struct fuse_notify_inval_inode_out}, 24 bytes: drop cached attributes of {@code ino}
 * (and cached data of [off, off+len) when off is not negative).
 */
public record NotifyInvalInode(long ino, long off, long len) {
    public static final int SIZE = 24;

    public static NotifyInvalInode decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new NotifyInvalInode(b.getLong(at), b.getLong(at + 8), b.getLong(at + 16));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putLong(at, ino).putLong(at + 8, off).putLong(at + 16, len);
    }
}
