package io.scstdrbd.drbd.sync.bitmap;

import io.scstdrbd.drbd.wire.CompressedBitmap;
import io.scstdrbd.drbd.wire.PlainBitmap;
import io.scstdrbd.drbd.wire.ProtocolException;

/**
 * Merges a received bitmap transfer into the local bitmap for that peer: plain words are ORed,
 * compressed "set" runs set bits, "clear" runs leave bits alone; receiving never clears a bit.
 * Every chunk is checked against the agreed bitmap size. Not thread-safe (one receiver thread).
 */
public final class BitmapReceiver {
    private final PeerBitmap bm;
    private final int plainWordsPerPacket;
    private long bitOffset;
    private long wordOffset;
    private boolean done;

    public BitmapReceiver(PeerBitmap bm, int headerSize) {
        this.bm = bm;
        this.plainWordsPerPacket = (4096 - headerSize) / 8;
    }

    public boolean isDone() {
        return done;
    }

    /** Merges one P_BITMAP; returns true when the transfer is complete. */
    public boolean plain(PlainBitmap p) throws ProtocolException {
        checkNotDone();
        long want = Math.min(plainWordsPerPacket, bm.words() - wordOffset);
        if (p.wordCount() != want) {
            throw new ProtocolException("P_BITMAP with " + p.wordCount() + " words, expected " + want);
        }
        if (want == 0) {
            done = true;
            return true;
        }
        for (int i = 0; i < p.wordCount(); i++) {
            bm.orWord(wordOffset + i, p.word(i));
        }
        wordOffset += want;
        bitOffset = Math.min(bm.bits(), wordOffset << 6);
        return false;
    }

    /** Merges one P_COMPRESSED_BITMAP; returns true when the transfer is complete. */
    public boolean compressed(CompressedBitmap c) throws ProtocolException {
        checkNotDone();
        if (c.codeType() != CompressedBitmap.RLE_VLI_BITS) {
            throw new ProtocolException("compressed bitmap with unknown encoding " + c.codeType());
        }
        byte[] code = c.code().toArray();
        long total = (long) code.length * 8 - c.padBits();
        if (total < 0) {
            throw new ProtocolException("compressed bitmap with more padding than code");
        }
        BitStreamReader r = new BitStreamReader(code, total);
        boolean set = c.firstRunSet();
        long pos = bitOffset;
        long bits = bm.bits();
        while (r.remaining() > 0) {
            VliCode.Decoded d = VliCode.decode(r.peek64(), (int) Math.min(64, r.remaining()));
            if (d == null) {
                throw new ProtocolException("compressed bitmap ends inside a code word");
            }
            long end = pos + d.value();
            if (end > bits || end < pos) {
                throw new ProtocolException("compressed bitmap run past the end of the bitmap (" + end + " > " + bits + ")");
            }
            if (set) {
                bm.setRange(pos, end);
            }
            pos = end;
            set = !set;
            r.skip(d.length());
        }
        bitOffset = pos;
        wordOffset = pos >>> 6;
        if (pos == bits) {
            done = true;
        }
        return done;
    }

    private void checkNotDone() throws ProtocolException {
        if (done) {
            throw new ProtocolException("bitmap packet after the transfer was complete");
        }
    }
}
