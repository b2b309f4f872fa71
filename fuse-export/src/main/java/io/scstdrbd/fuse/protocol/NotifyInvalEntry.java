package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@code struct fuse_notify_inval_entry_out} (parent u64, namelen u32, flags u32) followed by the
 * name and a NUL: forget the cached lookup of {@code name} in {@code parent}.
 */
public record NotifyInvalEntry(long parent, int flags, String name) {
    public static final int HEADER_SIZE = 16;

    public int encodedSize() {
        return HEADER_SIZE + name.getBytes(StandardCharsets.UTF_8).length + 1;
    }

    public int encode(ByteBuffer b, int at) {
        Wire.le(b);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        b.putLong(at, parent).putInt(at + 8, n.length).putInt(at + 12, flags);
        b.put(at + HEADER_SIZE, n);
        b.put(at + HEADER_SIZE + n.length, (byte) 0);
        return HEADER_SIZE + n.length + 1;
    }

    public static NotifyInvalEntry decode(ByteBuffer b, int at) {
        Wire.le(b);
        int len = b.getInt(at + 8);
        byte[] n = new byte[len];
        b.get(at + HEADER_SIZE, n);
        return new NotifyInvalEntry(b.getLong(at), b.getInt(at + 12), new String(n, StandardCharsets.UTF_8));
    }
}
