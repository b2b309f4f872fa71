package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/**
 * p_compressed_bm: the encoding byte (bits 0-3 code, 4-6 pad bits, 7 first-run polarity) and the
 * VLI code bytes.
 */
public record CompressedBitmap(int encoding, Bytes code) implements Payload {
    public static final int RLE_VLI_BITS = 2;

    public static CompressedBitmap read(ByteBuf in, int length) {
        int enc = in.readUnsignedByte();
        return new CompressedBitmap(enc, Bytes.read(in, length - 1));
    }

    public static int encoding(boolean firstRunSet, int padBits) {
        return (firstRunSet ? 0x80 : 0) | ((padBits & 7) << 4) | RLE_VLI_BITS;
    }

    public int codeType() {
        return encoding & 0x0f;
    }

    public int padBits() {
        return (encoding >>> 4) & 7;
    }

    public boolean firstRunSet() {
        return (encoding & 0x80) != 0;
    }

    @Override
    public int length() {
        return 1 + code.length();
    }

    @Override
    public void write(ByteBuf out) {
        out.writeByte(encoding);
        code.write(out);
    }
}
