package io.scstdrbd.fuse.protocol;

import java.io.ByteArrayOutputStream;

/**
 * Builds expected wire bytes field by field, transcribed from the struct definitions in
 * linux/fuse.h (widths and order), independently of the codecs under test.
 */
final class LeBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    LeBytes u16(int v) {
        return put(v, 2);
    }

    LeBytes u32(long v) {
        return put(v, 4);
    }

    LeBytes u64(long v) {
        return put(v, 8);
    }

    LeBytes bytes(String ascii) {
        for (char c : ascii.toCharArray()) {
            out.write(c);
        }
        return this;
    }

    LeBytes zeros(int n) {
        for (int i = 0; i < n; i++) {
            out.write(0);
        }
        return this;
    }

    private LeBytes put(long v, int width) {
        for (int i = 0; i < width; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
        return this;
    }

    byte[] get() {
        return out.toByteArray();
    }

    static byte[] hex(String h) {
        String s = h.replaceAll("\\s", "");
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
