package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_open_out}, 16 bytes: the file handle and FOPEN_* flags. */
public record OpenOut(long fh, int openFlags) {
    public static final int SIZE = 16;

    public static OpenOut decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new OpenOut(b.getLong(at), b.getInt(at + 8));
    }

    public void encode(ByteBuffer b, int at) {
        put(b, at, fh, openFlags);
    }

    public static void put(ByteBuffer b, int at, long fh, int openFlags) {
        Wire.le(b);
        b.putLong(at, fh).putInt(at + 8, openFlags).putInt(at + 12, 0);
    }
}
