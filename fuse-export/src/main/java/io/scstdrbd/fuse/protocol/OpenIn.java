package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_open_in}, 8 bytes: the open(2) flags (O_ACCMODE, O_TRUNC, O_DSYNC...). */
public record OpenIn(int flags, int openFlags) {
    public static final int SIZE = 8;

    public static OpenIn decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new OpenIn(b.getInt(at), b.getInt(at + 4));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putInt(at, flags).putInt(at + 4, openFlags);
    }

    public int accessMode() {
        return flags & Fuse.O_ACCMODE;
    }
}
