package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/** P_BITMAP payload: little-endian 64-bit bitmap words (possibly none: the end of a plain transfer). */
public final class PlainBitmap implements Payload {
    private final long[] words;

    public PlainBitmap(long[] words) {
        this.words = words.clone();
    }

    public static PlainBitmap read(ByteBuf in, int length) throws ProtocolException {
        if (length % 8 != 0) {
            throw new ProtocolException("P_BITMAP of " + length + " bytes is not a whole number of words");
        }
        long[] w = new long[length / 8];
        for (int i = 0; i < w.length; i++) {
            w[i] = in.readLongLE();
        }
        return new PlainBitmap(w);
    }

    public int wordCount() {
        return words.length;
    }

    public long word(int i) {
        return words[i];
    }

    @Override
    public int length() {
        return words.length * 8;
    }

    @Override
    public void write(ByteBuf out) {
        for (long w : words) {
            out.writeLongLE(w);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlainBitmap && Arrays.equals(words, ((PlainBitmap) o).words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return "PlainBitmap[" + words.length + " words]";
    }
}
