package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_attr_out}, 104 bytes: the reply to GETATTR and SETATTR. */
public record AttrOut(long attrValid, int attrValidNsec, FuseAttr attr) {
    public static final int SIZE = 16 + FuseAttr.SIZE;

    public static AttrOut decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new AttrOut(b.getLong(at), b.getInt(at + 8), FuseAttr.decode(b, at + 16));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putLong(at, attrValid).putInt(at + 8, attrValidNsec).putInt(at + 12, 0);
        attr.encode(b, at + 16);
    }
}
