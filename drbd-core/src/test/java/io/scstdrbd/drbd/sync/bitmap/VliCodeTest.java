package io.scstdrbd.drbd.sync.bitmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class VliCodeTest {
    @Test
    void levelsFromTheReferenceTable() {
        // value -> (bits, length) per drbd.md §8.3
        check(1, 0b0, 2);
        check(2, 0b10, 2);
        check(3, 0b001, 3);
        check(4, 0b101, 3);
        check(5, 0b00011, 5);
        check(16, (7L << 4) | 0x07, 7);
        check(17, 0x0f, 10);
        check(48, (31L << 5) | 0x0f, 10);
        check(49, 0x1f, 14);
        check(304, (255L << 6) | 0x1f, 14);
        check(305, 0x3f, 21);
        check(1024, 0x2CF3F, 21);
        check(8497, 0x7f, 29);
        check(261095, 0x3DAB67F, 29);
        check(2105649, 0xbf, 42);
        check(17181974833L, 0xff, 64);
        check(VliCode.MAX_VALUE, -1L, 64);
    }

    private static void check(long value, long bits, int len) {
        VliCode.Code c = VliCode.encode(value);
        assertEquals(len, c.length(), "length of " + value);
        assertEquals(bits, c.bits(), "bits of " + value);
        VliCode.Decoded d = VliCode.decode(c.bits(), 64);
        assertEquals(value, d.value());
        assertEquals(len, d.length());
    }

    @Test
    void everyValueUpTo100000RoundTrips() {
        for (long v = 1; v < 100000; v++) {
            VliCode.Code c = VliCode.encode(v);
            assertEquals(v, VliCode.decode(c.bits(), c.length()).value());
        }
    }

    @Test
    void zeroAndTooLargeCannotBeEncoded() {
        assertThrows(IllegalArgumentException.class, () -> VliCode.encode(0));
        assertThrows(IllegalArgumentException.class, () -> VliCode.encode(VliCode.MAX_VALUE + 1));
    }

    @Test
    void truncatedCodeIsReported() {
        assertEquals(null, VliCode.decode(0x3f, 10));
    }
}
