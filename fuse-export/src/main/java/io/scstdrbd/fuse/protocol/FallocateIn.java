package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_fallocate_in}, 32 bytes; mode holds the fallocate(2) FALLOC_FL_* bits. */
public record FallocateIn(long fh, long offset, long length, int mode) {
    public static final int SIZE = 32;

    public static FallocateIn decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new FallocateIn(b.getLong(at), b.getLong(at + 8), b.getLong(at + 16), b.getInt(at + 24));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putLong(at, fh).putLong(at + 8, offset).putLong(at + 16, length).putInt(at + 24, mode).putInt(at + 28, 0);
    }
}
