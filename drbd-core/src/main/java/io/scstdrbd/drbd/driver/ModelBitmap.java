package io.scstdrbd.drbd.driver;

import io.scstdrbd.drbd.meta.Bitmap;
import io.scstdrbd.drbd.sync.bitmap.PeerBitmap;

/** One peer's slot of the v09 metadata bitmap, seen as a {@link PeerBitmap}. Thread-safe (the bitmap is). */
final class ModelBitmap implements PeerBitmap {
    private final Bitmap bm;
    private final int slot;

    ModelBitmap(Bitmap bm, int slot) {
        this.bm = bm;
        this.slot = slot;
    }

    @Override
    public long bits() {
        return bm.bits();
    }

    @Override
    public boolean test(long bit) {
        return bm.test(slot, bit);
    }

    @Override
    public long setRange(long from, long to) {
        return to <= from ? 0 : bm.set(slot, from, to - 1);
    }

    @Override
    public long clearRange(long from, long to) {
        return to <= from ? 0 : bm.clear(slot, from, to - 1);
    }

    @Override
    public long cardinality() {
        return bm.count(slot);
    }

    @Override
    public long nextSetBit(long from) {
        return bm.nextSetBit(slot, from);
    }

    @Override
    public long word(long index) {
        return bm.word64(slot, index);
    }

    @Override
    public void orWord(long index, long value) {
        if (value != 0) {
            bm.or64(slot, index, value);
        }
    }
}
