package io.scstdrbd.iscsi.pdu;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The iSCSI CRC32C digest (RFC 7143 13.1, the Castagnoli polynomial). The 32-bit value travels
 * least significant byte first (RFC 3720 B.4: 32 zero bytes give {@code aa 36 91 8a}).
 */
public final class Digests {
    private Digests() {
    }

    public static int crc32c(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** Writes a digest value in wire order at {@code off}. */
    public static void putDigest(byte[] b, int off, int crc) {
        b[off] = (byte) crc;
        b[off + 1] = (byte) (crc >>> 8);
        b[off + 2] = (byte) (crc >>> 16);
        b[off + 3] = (byte) (crc >>> 24);
    }

    /** Reads a digest value in wire order from {@code off}. */
    public static int getDigest(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    /** Adds the remaining bytes of each buffer (positions are not moved). */
    public static void update(CRC32C c, ByteBuffer[] buffers) {
        for (ByteBuffer bb : buffers) {
            c.update(bb.duplicate());
        }
    }

    /** Adds the zero pad bytes that follow a data segment of {@code length} bytes. */
    public static void updatePad(CRC32C c, int length) {
        int pad = PduCodec.padded(length) - length;
        for (int i = 0; i < pad; i++) {
            c.update(0);
        }
    }
}
