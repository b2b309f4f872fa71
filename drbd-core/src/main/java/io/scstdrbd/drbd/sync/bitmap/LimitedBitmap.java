package io.scstdrbd.drbd.sync.bitmap;

/**
 * A view of a bitmap cut to the first {@code bits} bits: the part that covers the size agreed with
 * a peer, which may be smaller than the local device. Bits beyond the limit are invisible and never
 * changed through this view.
 */
public final class LimitedBitmap implements PeerBitmap {
    private final PeerBitmap inner;
    private final long bits;

    public LimitedBitmap(PeerBitmap inner, long bits) {
        this.inner = inner;
        this.bits = Math.min(bits, inner.bits());
    }

    @Override
    public long bits() {
        return bits;
    }

    @Override
    public boolean test(long bit) {
        return bit < bits && inner.test(bit);
    }

    @Override
    public long setRange(long from, long to) {
        return inner.setRange(from, Math.min(to, bits));
    }

    @Override
    public long clearRange(long from, long to) {
        return inner.clearRange(from, Math.min(to, bits));
    }

    @Override
    public long cardinality() {
        if (bits == inner.bits()) {
            return inner.cardinality();
        }
        long n = 0;
        long words = (bits + 63) >>> 6;
        for (long w = 0; w < words; w++) {
            n += Long.bitCount(word(w));
        }
        return n;
    }

    @Override
    public long nextSetBit(long from) {
        long b = inner.nextSetBit(from);
        return b < bits ? b : -1;
    }

    @Override
    public long word(long index) {
        long w = inner.word(index);
        long end = (index + 1) << 6;
        if (end <= bits) {
            return w;
        }
        int valid = (int) (bits - (index << 6));
        return valid <= 0 ? 0 : w & ((1L << valid) - 1);
    }

    @Override
    public void orWord(long index, long value) {
        long end = (index + 1) << 6;
        if (end > bits) {
            int valid = (int) (bits - (index << 6));
            value = valid <= 0 ? 0 : value & ((1L << valid) - 1);
        }
        inner.orWord(index, value);
    }
}
