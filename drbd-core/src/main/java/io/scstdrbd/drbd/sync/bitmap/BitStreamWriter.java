package io.scstdrbd.drbd.sync.bitmap;

/** Writes bits LSB first into a byte array of fixed capacity. */
final class BitStreamWriter {
    private final byte[] buf;
    private long bitPos;

    BitStreamWriter(int capacityBytes) {
        this.buf = new byte[capacityBytes];
    }

    long capacityBits() {
        return (long) buf.length * 8;
    }

    long position() {
        return bitPos;
    }

    /** Appends the low {@code n} bits of {@code v}; false (nothing written) if they do not fit. */
    boolean put(long v, int n) {
        if (bitPos + n > capacityBits()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (((v >>> i) & 1) != 0) {
                buf[(int) ((bitPos + i) >>> 3)] |= (byte) (1 << ((bitPos + i) & 7));
            }
        }
        bitPos += n;
        return true;
    }

    byte[] bytes() {
        int n = (int) ((bitPos + 7) >>> 3);
        byte[] out = new byte[n];
        System.arraycopy(buf, 0, out, 0, n);
        return out;
    }
}
