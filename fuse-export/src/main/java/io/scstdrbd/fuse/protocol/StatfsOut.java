package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_statfs_out} (a {@code fuse_kstatfs}), 80 bytes. */
public record StatfsOut(long blocks, long bfree, long bavail, long files, long ffree, int bsize, int namelen,
        int frsize) {
    public static final int SIZE = 80;

    public static StatfsOut decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new StatfsOut(b.getLong(at), b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 24),
                b.getLong(at + 32), b.getInt(at + 40), b.getInt(at + 44), b.getInt(at + 48));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putLong(at, blocks).putLong(at + 8, bfree).putLong(at + 16, bavail).putLong(at + 24, files)
                .putLong(at + 32, ffree).putInt(at + 40, bsize).putInt(at + 44, namelen).putInt(at + 48, frsize);
        for (int i = 52; i < SIZE; i += 4) {
            b.putInt(at + i, 0);
        }
    }
}
