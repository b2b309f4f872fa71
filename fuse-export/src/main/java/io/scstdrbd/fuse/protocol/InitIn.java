package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/**
 * {@code struct fuse_init_in}. Old kernels send only the first 16 bytes; {@code flags2} (bits
 * 32..63 of the flags) is present when the body is long enough and INIT_EXT is set.
 */
public record InitIn(int major, int minor, int maxReadahead, int flags, int flags2) {
    public static final int SIZE_V1 = 16;
    public static final int SIZE = 64;

    public static InitIn decode(ByteBuffer b, int at, int bodyLen) {
        Wire.le(b);
        int flags = b.getInt(at + 12);
        int flags2 = bodyLen >= 20 && (flags & Fuse.INIT_EXT) != 0 ? b.getInt(at + 16) : 0;
        return new InitIn(b.getInt(at), b.getInt(at + 4), b.getInt(at + 8), flags, flags2);
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putInt(at, major).putInt(at + 4, minor).putInt(at + 8, maxReadahead).putInt(at + 12, flags)
                .putInt(at + 16, flags2);
        for (int i = 20; i < SIZE; i += 4) {
            b.putInt(at + i, 0);
        }
    }
}
