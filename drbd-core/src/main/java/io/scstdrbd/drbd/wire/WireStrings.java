package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Fixed-width and NUL-terminated ASCII strings inside packets. */
final class WireStrings {
    private WireStrings() {
    }

    /** Reads {@code width} bytes and returns the text before the first NUL. */
    static String readFixed(ByteBuf in, int width) {
        byte[] b = new byte[width];
        in.readBytes(b);
        return cut(b);
    }

    static void writeFixed(ByteBuf out, String s, int width) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if (b.length >= width) {
            throw new IllegalArgumentException("string too long for " + width + " bytes: " + s);
        }
        out.writeBytes(b);
        out.writeZero(width - b.length);
    }

    /** Reads the remaining {@code n} bytes as a NUL-terminated string (a missing NUL is tolerated). */
    static String readTerminated(ByteBuf in, int n) {
        byte[] b = new byte[n];
        in.readBytes(b);
        return cut(b);
    }

    static void writeTerminated(ByteBuf out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        out.writeByte(0);
    }

    static int terminatedLength(String s) {
        return s.getBytes(StandardCharsets.US_ASCII).length + 1;
    }

    private static String cut(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }
}
