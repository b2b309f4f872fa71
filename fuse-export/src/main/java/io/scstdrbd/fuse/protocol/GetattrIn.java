package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_getattr_in}, 16 bytes. */
public record GetattrIn(int getattrFlags, long fh) {
    public static final int SIZE = 16;

    public static GetattrIn decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new GetattrIn(b.getInt(at), b.getLong(at + 8));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putInt(at, getattrFlags).putInt(at + 4, 0).putLong(at + 8, fh);
    }
}
