package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_ioctl_in}, 32 bytes. */
public record IoctlIn(long fh, int flags, int cmd, long arg, int inSize, int outSize) {
    public static final int SIZE = 32;

    public static IoctlIn decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new IoctlIn(b.getLong(at), b.getInt(at + 8), b.getInt(at + 12), b.getLong(at + 16),
                b.getInt(at + 24), b.getInt(at + 28));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putLong(at, fh).putInt(at + 8, flags).putInt(at + 12, cmd).putLong(at + 16, arg)
                .putInt(at + 24, inSize).putInt(at + 28, outSize);
    }
}
