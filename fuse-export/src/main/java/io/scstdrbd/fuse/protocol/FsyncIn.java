package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_fsync_in}, 16 bytes (FSYNC and FSYNCDIR). */
public record FsyncIn(long fh, int fsyncFlags) {
    public static final int SIZE = 16;

    public static FsyncIn decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new FsyncIn(b.getLong(at), b.getInt(at + 8));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putLong(at, fh).putInt(at + 8, fsyncFlags).putInt(at + 12, 0);
    }
}
