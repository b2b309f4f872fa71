package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_entry_out}, 128 bytes: the reply to LOOKUP. */
public record EntryOut(long nodeid, long generation, long entryValid, long attrValid, int entryValidNsec,
        int attrValidNsec, FuseAttr attr) {
    public static final int SIZE = 40 + FuseAttr.SIZE;

    public static EntryOut decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new EntryOut(b.getLong(at), b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 24),
                b.getInt(at + 32), b.getInt(at + 36), FuseAttr.decode(b, at + 40));
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putLong(at, nodeid).putLong(at + 8, generation).putLong(at + 16, entryValid).putLong(at + 24, attrValid)
                .putInt(at + 32, entryValidNsec).putInt(at + 36, attrValidNsec);
        attr.encode(b, at + 40);
    }
}
