package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_flush_in}, 24 bytes: sent on every close(2) of a file handle. */
public record FlushIn(long fh, long lockOwner) {
    public static final int SIZE = 24;

    public static FlushIn decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new FlushIn(b.getLong(at), b.getLong(at + 16));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putLong(at, fh).putInt(at + 8, 0).putInt(at + 12, 0).putLong(at + 16, lockOwner);
    }
}
