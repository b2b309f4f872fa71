package io.scstdrbd.drbd.sync.bitmap;

import io.scstdrbd.drbd.wire.Bytes;
import io.scstdrbd.drbd.wire.CompressedBitmap;

/**
 * Produces the packets of one bitmap transfer (drbd.md §8): run-length + VLI compressed chunks
 * where they pay off, plain 64-bit word chunks otherwise, ending either with the compressed chunk
 * that reaches the last bit or with an empty P_BITMAP after the last plain chunk.
 *
 * <p>Not thread-safe: one transfer is driven by one thread. The bitmap should not change
 * meanwhile (bits set concurrently may or may not be included; they are sent again later).
 */
public final class BitmapSender {
    private final PeerBitmap bm;
    private final boolean useRle;
    private final int plainWordsPerPacket;
    private final int codeBytesPerPacket;
    private long bitOffset;
    private long wordOffset;
    private boolean done;
    private long plainPackets;
    private long compressedPackets;

    /**
     * @param headerSize the packet header size (16 for h100): each packet, header included, is at most 4096 bytes
     */
    public BitmapSender(PeerBitmap bm, boolean useRle, int headerSize) {
        this.bm = bm;
        this.useRle = useRle;
        int room = 4096 - headerSize;
        this.plainWordsPerPacket = room / 8;
        this.codeBytesPerPacket = room - 1;
    }

    public boolean isDone() {
        return done;
    }

    public long plainPackets() {
        return plainPackets;
    }

    public long compressedPackets() {
        return compressedPackets;
    }

    /** The next packet; call until {@link #isDone()}. */
    public BitmapChunk next() {
        if (done) {
            throw new IllegalStateException("bitmap transfer already complete");
        }
        long bits = bm.bits();
        if (useRle && bitOffset < bits) {
            BitmapChunk c = tryCompressed(bits);
            if (c != null) {
                compressedPackets++;
                return c;
            }
        }
        long n = Math.min(plainWordsPerPacket, bm.words() - wordOffset);
        long[] words = new long[(int) Math.max(0, n)];
        for (int i = 0; i < words.length; i++) {
            words[i] = bm.word(wordOffset + i);
        }
        if (words.length == 0) {
            done = true;
        } else {
            wordOffset += words.length;
            bitOffset = Math.min(bits, wordOffset << 6);
        }
        plainPackets++;
        return BitmapChunk.plain(words);
    }

    /** Encodes runs from bitOffset; null if the packet would cover fewer bits than 8 × its code bytes. */
    private BitmapChunk tryCompressed(long bits) {
        BitStreamWriter w = new BitStreamWriter(codeBytesPerPacket);
        long pos = bitOffset;
        boolean firstSet = bm.test(pos);
        boolean cur = firstSet;
        while (pos < bits) {
            long end = runEnd(pos, cur, bits);
            VliCode.Code code = VliCode.encode(end - pos);
            if (!w.put(code.bits(), code.length())) {
                break;
            }
            pos = end;
            cur = !cur;
        }
        long covered = pos - bitOffset;
        byte[] codeBytes = w.bytes();
        if (codeBytes.length == 0 || covered < 8L * codeBytes.length) {
            return null;
        }
        int pad = (int) ((long) codeBytes.length * 8 - w.position());
        bitOffset = pos;
        wordOffset = pos >>> 6;
        if (pos == bits) {
            done = true;
        }
        return BitmapChunk.compressed(new CompressedBitmap(CompressedBitmap.encoding(firstSet, pad), Bytes.of(codeBytes)));
    }

    /** End (exclusive) of the run of bits equal to {@code set} starting at {@code pos}. */
    private long runEnd(long pos, boolean set, long bits) {
        if (set) {
            long p = pos;
            while (p < bits) {
                int off = (int) (p & 63);
                long clear = ~bm.word(p >>> 6) >>> off;
                if (clear != 0) {
                    int z = Long.numberOfTrailingZeros(clear);
                    if (z < 64 - off) {
                        return Math.min(p + z, bits);
                    }
                }
                p = ((p >>> 6) + 1) << 6;
            }
            return bits;
        }
        long next = bm.nextSetBit(pos);
        return next < 0 ? bits : next;
    }
}
