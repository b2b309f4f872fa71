package io.scstdrbd.drbd.sync.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DigestAlgorithmTest {
    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void knownDigests() {
        ByteBuffer abc = ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals("900150983cd24fb0d6963f7d28e17f72", hex(DigestAlgorithm.forName("md5").orElseThrow().digest(abc)));
        assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d",
                hex(DigestAlgorithm.forName("sha1").orElseThrow().digest(abc)));
        // CRC-32C("123456789") = 0xE3069283, emitted little-endian like the kernel's crc32c shash
        ByteBuffer check = ByteBuffer.wrap("123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals("839206e3", hex(DigestAlgorithm.forName("crc32c").orElseThrow().digest(check)));
        assertEquals(0, abc.position(), "position untouched");
    }

    @Test
    void splitInputGivesSameDigest() {
        DigestAlgorithm a = DigestAlgorithm.forName("sha256").orElseThrow();
        byte[] all = new byte[8192];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        assertEquals(hex(a.digest(ByteBuffer.wrap(all))),
                hex(a.digest(ByteBuffer.wrap(all, 0, 100), ByteBuffer.wrap(all, 100, 8092))));
    }

    @Test
    void unknownAlgorithmsAreRefused() {
        assertTrue(DigestAlgorithm.forName("whirlpool").isEmpty());
        assertTrue(HmacAlgorithm.forName("rot13").isEmpty());
    }

    @Test
    void hmacRfc2202Vector() {
        // RFC 2202 test case 2: key "Jefe", data "what do ya want for nothing?"
        HmacAlgorithm h = HmacAlgorithm.forName("sha1").orElseThrow();
        assertEquals(20, h.length());
        assertEquals("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
                hex(h.mac("Jefe".getBytes(StandardCharsets.US_ASCII),
                        "what do ya ".getBytes(StandardCharsets.US_ASCII),
                        "want for nothing?".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(hex(h.mac(new byte[0], new byte[] {1})), hex(h.mac(new byte[1], new byte[] {1})));
    }
}
