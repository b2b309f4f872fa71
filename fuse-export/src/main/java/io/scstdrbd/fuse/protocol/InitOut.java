package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_init_out}, 64 bytes (the 7.31 layout; later fields stay zero). */
public record InitOut(int major, int minor, int maxReadahead, int flags, int maxBackground,
        int congestionThreshold, int maxWrite, int timeGran, int maxPages, int mapAlignment, int flags2) {
    public static final int SIZE = 64;

    public static InitOut decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new InitOut(b.getInt(at), b.getInt(at + 4), b.getInt(at + 8), b.getInt(at + 12),
                b.getShort(at + 16) & 0xffff, b.getShort(at + 18) & 0xffff, b.getInt(at + 20), b.getInt(at + 24),
                b.getShort(at + 28) & 0xffff, b.getShort(at + 30) & 0xffff, b.getInt(at + 32));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putInt(at, major).putInt(at + 4, minor).putInt(at + 8, maxReadahead).putInt(at + 12, flags)
                .putShort(at + 16, (short) maxBackground).putShort(at + 18, (short) congestionThreshold)
                .putInt(at + 20, maxWrite).putInt(at + 24, timeGran)
                .putShort(at + 28, (short) maxPages).putShort(at + 30, (short) mapAlignment)
                .putInt(at + 32, flags2);
        for (int i = 36; i < SIZE; i += 4) {
            b.putInt(at + i, 0);
        }
    }
}
