package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_release_in}, 24 bytes (RELEASE and RELEASEDIR). */
public record ReleaseIn(long fh, int flags, int releaseFlags, long lockOwner) {
    public static final int SIZE = 24;

    public static ReleaseIn decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new ReleaseIn(b.getLong(at), b.getInt(at + 8), b.getInt(at + 12), b.getLong(at + 16));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putLong(at, fh).putInt(at + 8, flags).putInt(at + 12, releaseFlags).putLong(at + 16, lockOwner);
    }
}
