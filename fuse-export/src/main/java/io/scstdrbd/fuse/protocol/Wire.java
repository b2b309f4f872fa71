package io.scstdrbd.fuse.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Helpers shared by the codecs. FUSE structs are in the host's byte order, little endian on
 * every platform this daemon runs on; codecs use absolute access on little-endian buffers and
 * never move positions.
 */
public final class Wire {
    private Wire() {
    }

    /** Fails fast if a caller hands a codec a big-endian buffer (the default for new buffers). */
    static ByteBuffer le(ByteBuffer b) {
        if (b.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("FUSE codecs need a little-endian buffer");
        }
        return b;
    }

    /** A new little-endian heap buffer (tests, small replies). */
    public static ByteBuffer allocate(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Rounds up to the 8-byte alignment of variable-length records (FUSE_REC_ALIGN). */
    public static int align8(int n) {
        return (n + 7) & ~7;
    }

    /**
     * Reads a NUL-terminated name starting at {@code at}, looking at no more than {@code max}
     * bytes; returns null if no NUL is found (a malformed request).
     */
    public static String cString(ByteBuffer b, int at, int max) {
        int end = at;
        int limit = at + max;
        while (end < limit && b.get(end) != 0) {
            end++;
        }
        if (end >= limit) {
            return null;
        }
        byte[] bytes = new byte[end - at];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Writes {@code s} as UTF-8 followed by NUL; returns the bytes written. */
    public static int putCString(ByteBuffer b, int at, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.put(at, bytes);
        b.put(at + bytes.length, (byte) 0);
        return bytes.length + 1;
    }
}
