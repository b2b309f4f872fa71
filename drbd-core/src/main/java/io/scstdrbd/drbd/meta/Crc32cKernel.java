package io.scstdrbd.drbd.meta;

/**
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78) computed the way the Linux kernel's
 * {@code crc32c(seed, buf, len)} library call does it: the seed is used as is and the result is
 * not inverted. DRBD checksums activity-log transactions with {@code crc32c(0, block, 4096)}
 * and drbdmeta verifies them, so {@link java.util.zip.CRC32C} (which inverts both) does not fit.
 */
public final class Crc32cKernel {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
            }
            TABLE[i] = c;
        }
    }

    private Crc32cKernel() {
    }

    /** crc32c(seed, b[off..off+len)). */
    public static int update(int seed, byte[] b, int off, int len) {
        int crc = seed;
        for (int i = off; i < off + len; i++) {
            crc = TABLE[(crc ^ b[i]) & 0xff] ^ (crc >>> 8);
        }
        return crc;
    }

    public static int of(byte[] b) {
        return update(0, b, 0, b.length);
    }
}
