package io.scstdrbd.iscsi.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** CRC32C test vectors of RFC 3720 B.4, as the bytes that travel on the wire. */
class DigestsTest {
    private static byte[] wire(byte[] data) {
        byte[] d = new byte[4];
        Digests.putDigest(d, 0, Digests.crc32c(data, 0, data.length));
        return d;
    }

    @Test
    void rfc3720Vectors() {
        byte[] zeros = new byte[32];
        byte[] ones = new byte[32];
        byte[] inc = new byte[32];
        byte[] dec = new byte[32];
        for (int i = 0; i < 32; i++) {
            ones[i] = (byte) 0xff;
            inc[i] = (byte) i;
            dec[i] = (byte) (31 - i);
        }
        HexFormat h = HexFormat.of();
        assertArrayEquals(h.parseHex("aa36918a"), wire(zeros));
        assertArrayEquals(h.parseHex("43aba862"), wire(ones));
        assertArrayEquals(h.parseHex("4e79dd46"), wire(inc));
        assertArrayEquals(h.parseHex("5cdb3f11"), wire(dec));
    }

    @Test
    void digestByteOrderRoundTrips() {
        byte[] b = new byte[4];
        Digests.putDigest(b, 0, 0x8a9136aa);
        assertEquals(0x8a9136aa, Digests.getDigest(b, 0));
        assertEquals((byte) 0xaa, b[0]);
    }
}
