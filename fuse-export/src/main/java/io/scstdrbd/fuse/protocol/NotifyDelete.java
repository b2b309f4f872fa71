package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@code struct fuse_notify_delete_out} (parent u64, child u64, namelen u32, padding u32) followed
 * by the name and a NUL: the entry {@code name} in {@code parent} is gone.
 */
public record NotifyDelete(long parent, long child, String name) {
    public static final int HEADER_SIZE = 24;

    public int encodedSize() {
        return HEADER_SIZE + name.getBytes(StandardCharsets.UTF_8).length + 1;
    }

    public int encode(ByteBuffer b, int at) {
        Wire.le(b);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        b.putLong(at, parent).putLong(at + 8, child).putInt(at + 16, n.length).putInt(at + 20, 0);
        b.put(at + HEADER_SIZE, n);
        b.put(at + HEADER_SIZE + n.length, (byte) 0);
        return HEADER_SIZE + n.length + 1;
    }

    public static NotifyDelete decode(ByteBuffer b, int at) {
        Wire.le(b);
        int len = b.getInt(at + 16);
        byte[] n = new byte[len];
        b.get(at + HEADER_SIZE, n);
        return new NotifyDelete(b.getLong(at), b.getLong(at + 8), new String(n, StandardCharsets.UTF_8));
    }
}
