package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_write_in}, 40 bytes; the data follows it in the same request. */
public record WriteIn(long fh, long offset, int size, int writeFlags, long lockOwner, int flags) {
    public static final int SIZE = 40;

    public static WriteIn decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new WriteIn(b.getLong(at), b.getLong(at + 8), b.getInt(at + 16), b.getInt(at + 20),
                b.getLong(at + 24), b.getInt(at + 32));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putLong(at, fh).putLong(at + 8, offset).putInt(at + 16, size).putInt(at + 20, writeFlags)
                .putLong(at + 24, lockOwner).putInt(at + 32, flags).putInt(at + 36, 0);
    }
}
