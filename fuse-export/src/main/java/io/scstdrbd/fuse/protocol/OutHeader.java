package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/**
 * {@code struct fuse_out_header}: the 16 bytes in front of every reply. {@code error} is 0 or a
 * negative errno; for a notification, unique is 0 and error is the notify code.
 */
public record OutHeader(int len, int error, long unique) {
    public static final int SIZE = 16;

    public static OutHeader decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new OutHeader(b.getInt(at), b.getInt(at + 4), b.getLong(at + 8));
    }

    public void encode(ByteBuffer b, int at) {
        put(b, at, len, error, unique);
    }

    /** Allocation-free form for the reply path. */
    public static void put(ByteBuffer b, int at, int len, int error, long unique) {
        Wire.le(b);
        b.putInt(at, len).putInt(at + 4, error).putLong(at + 8, unique);
    }
}
