package io.scstdrbd.drbd.sync.bitmap;

/**
 * The variable-length integer code of compressed bitmaps (drbd.md §8.3): ten levels, each a prefix
 * in the low bits followed by the value minus the level's base. Values 1 .. 72057611219902768.
 */
public final class VliCode {
    private VliCode() {
    }

    /** Total bits per level 1..10. */
    private static final int[] TOTAL = {2, 3, 5, 7, 10, 14, 21, 29, 42, 64};
    private static final int[] PREFIX_BITS = {1, 2, 3, 4, 5, 6, 8, 8, 8, 8};
    private static final long[] PREFIX = {0x00, 0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, 0xbf, 0xff};
    private static final long[] BASE = new long[10];
    private static final long[] MAX = new long[10];

    static {
        long base = 1;
        for (int i = 0; i < 10; i++) {
            BASE[i] = base;
            int data = TOTAL[i] - PREFIX_BITS[i];
            MAX[i] = base + (1L << data) - 1;
            base = MAX[i] + 1;
        }
    }

    /** Largest encodable value. */
    public static final long MAX_VALUE = 72057611219902768L;

    /** A code word: its bits (LSB first on the wire) and their number. */
    public record Code(long bits, int length) {
    }

    /** Encodes {@code value} ≥ 1. */
    public static Code encode(long value) {
        if (value < 1 || value > MAX_VALUE) {
            throw new IllegalArgumentException("VLI value out of range: " + value);
        }
        for (int i = 0; i < 10; i++) {
            if (value <= MAX[i]) {
                return new Code(((value - BASE[i]) << PREFIX_BITS[i]) | PREFIX[i], TOTAL[i]);
            }
        }
        throw new AssertionError();
    }

    /**
     * Decodes one value from the low bits of {@code lookahead} (which holds {@code available} valid
     * bits, LSB first). Returns null if the code needs more bits than available.
     */
    public static Decoded decode(long lookahead, int available) {
        for (int i = 0; i < 10; i++) {
            long pmask = (1L << PREFIX_BITS[i]) - 1;
            if ((lookahead & pmask) == PREFIX[i]) {
                if (TOTAL[i] > available) {
                    return null;
                }
                int data = TOTAL[i] - PREFIX_BITS[i];
                long v = lookahead >>> PREFIX_BITS[i];
                if (data < 64) {
                    v &= (1L << data) - 1;
                }
                return new Decoded(BASE[i] + v, TOTAL[i]);
            }
        }
        throw new AssertionError("every 8-bit prefix matches a level");
    }

    /** A decoded value and the number of bits it used. */
    public record Decoded(long value, int length) {
    }
}
