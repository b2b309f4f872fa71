package io.scstdrbd.drbd.sync.bitmap;

/**
 * The out-of-sync bitmap a node keeps for one peer: one bit per 4 KiB block of the device,
 * set = the block may differ on that peer.
 *
 * <p>Threading: every method is thread-safe; set/clear of different bits may race freely and
 * {@link #cardinality()} is exact once concurrent updates have returned. Never blocks.
 */
public interface PeerBitmap {
    /** Sectors per bit (4 KiB blocks). */
    int SECTORS_PER_BIT = 8;
    int BYTES_PER_BIT = 4096;

    /** Number of bits (bm_bits = ceil(device sectors / 8)). */
    long bits();

    boolean test(long bit);

    /** Sets bits [from, to) and returns how many were clear before. */
    long setRange(long from, long to);

    /** Clears bits [from, to) and returns how many were set before. */
    long clearRange(long from, long to);

    /** Number of set bits. */
    long cardinality();

    /** The first set bit at or after {@code from}, or -1. */
    long nextSetBit(long from);

    /** 64-bit word {@code index} (bit b is bit b%64 of word b/64); bits beyond {@link #bits()} read as 0. */
    long word(long index);

    /** ORs {@code value} into word {@code index}; bits beyond {@link #bits()} are ignored. */
    void orWord(long index, long value);

    default long words() {
        return (bits() + 63) >>> 6;
    }

    default void setAll() {
        setRange(0, bits());
    }

    default void clearAll() {
        clearRange(0, bits());
    }

    /** Bits covering sectors [sector, sector + sectors). */
    static long firstBit(long sector) {
        return sector / SECTORS_PER_BIT;
    }

    static long endBit(long sector, long sectors) {
        return (sector + sectors + SECTORS_PER_BIT - 1) / SECTORS_PER_BIT;
    }

    /** Bits for a device of {@code sectors} sectors. */
    static long bitsFor(long sectors) {
        return (sectors + SECTORS_PER_BIT - 1) / SECTORS_PER_BIT;
    }
}
