package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_statx_in}, 24 bytes (protocol 7.39+; the kernel may send it regardless). */
public record StatxIn(int getattrFlags, long fh, int sxFlags, int sxMask) {
    public static final int SIZE = 24;

    public static StatxIn decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new StatxIn(b.getInt(at), b.getLong(at + 8), b.getInt(at + 16), b.getInt(at + 20));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putInt(at, getattrFlags).putInt(at + 4, 0).putLong(at + 8, fh).putInt(at + 16, sxFlags)
                .putInt(at + 20, sxMask);
    }
}
