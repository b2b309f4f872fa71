package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_write_out}, 8 bytes: how many bytes were written. */
public record WriteOut(int size) {
    public static final int SIZE = 8;

    public static WriteOut decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new WriteOut(b.getInt(at));
    }

    public void encode(ByteBuffer b, int at) {
        put(b, at, size);
    }

    public static void put(ByteBuffer b, int at, int size) {
        Wire.le(b);
        b.putInt(at, size).putInt(at + 4, 0);
    }
}
