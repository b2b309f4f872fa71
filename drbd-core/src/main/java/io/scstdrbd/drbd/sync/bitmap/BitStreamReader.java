package io.scstdrbd.drbd.sync.bitmap;

/** Reads bits LSB first from a byte array holding {@code totalBits} valid bits. */
final class BitStreamReader {
    private final byte[] buf;
    private final long totalBits;
    private long pos;

    BitStreamReader(byte[] buf, long totalBits) {
        this.buf = buf;
        this.totalBits = totalBits;
    }

    long remaining() {
        return totalBits - pos;
    }

    /** Up to 64 bits from the current position (fewer at the end), without consuming them. */
    long peek64() {
        long v = 0;
        int n = (int) Math.min(64, remaining());
        for (int i = 0; i < n; i++) {
            long p = pos + i;
            if (((buf[(int) (p >>> 3)] >>> (p & 7)) & 1) != 0) {
                v |= 1L << i;
            }
        }
        return v;
    }

    void skip(int n) {
        pos += n;
    }
}
