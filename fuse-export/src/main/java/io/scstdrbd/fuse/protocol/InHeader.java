package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;

/** {@code struct fuse_in_header}: the 40 bytes in front of every request. */
public record InHeader(int len, int opcode, long unique, long nodeid, int uid, int gid, int pid, int totalExtlen) {
    public static final int SIZE = 40;

    public static InHeader decode(ByteBuffer b, int at) {
        Wire.le(b);
        return new InHeader(b.getInt(at), b.getInt(at + 4), b.getLong(at + 8), b.getLong(at + 16),
                b.getInt(at + 24), b.getInt(at + 28), b.getInt(at + 32), b.getShort(at + 36) & 0xffff);
    }

    public void encode(ByteBuffer b, int at) {
        Wire.le(b);
        b.putInt(at, len).putInt(at + 4, opcode).putLong(at + 8, unique).putLong(at + 16, nodeid)
                .putInt(at + 24, uid).putInt(at + 28, gid).putInt(at + 32, pid)
                .putShort(at + 36, (short) totalExtlen).putShort(at + 38, (short) 0);
    }
}
