package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@code struct fuse_dirent}: ino u64, off u64 (the offset of the NEXT entry), namelen u32,
 * type u32 (DT_*), the name, padded to 8 bytes. One READDIR reply holds as many as fit.
 */
public record Dirent(long ino, long off, int type, String name) {
    public static final int HEADER_SIZE = 24;

    public int encodedSize() {
        return Wire.align8(HEADER_SIZE + name.getBytes(StandardCharsets.UTF_8).length);
    }

    /** Encodes into {@code b} at {@code at}, zero padding included; returns the size used. */
    public int encode(ByteBuffer b, int at) {
        Wire.le(b);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int size = Wire.align8(HEADER_SIZE + n.length);
        b.putLong(at, ino).putLong(at + 8, off).putInt(at + 16, n.length).putInt(at + 20, type);
        b.put(at + HEADER_SIZE, n);
        for (int i = HEADER_SIZE + n.length; i < size; i++) {
            b.put(at + i, (byte) 0);
        }
        return size;
    }

    public static Dirent decode(ByteBuffer b, int at) {
        Wire.le(b);
        int len = b.getInt(at + 16);
        byte[] n = new byte[len];
        b.get(at + HEADER_SIZE, n);
        return new Dirent(b.getLong(at), b.getLong(at + 8), b.getInt(at + 20), new String(n, StandardCharsets.UTF_8));
    }
}
