package io.scstdrbd.drbd.sync.bitmap;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** A {@link PeerBitmap} in memory: lock-free words and an exact running count. */
public final class MemoryBitmap implements PeerBitmap {
    private final long bits;
    private final AtomicLongArray words;
    private final AtomicLong count = new AtomicLong();

    public MemoryBitmap(long bits) {
        if (bits < 0 || (bits + 63) / 64 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bitmap of " + bits + " bits");
        }
        this.bits = bits;
        this.words = new AtomicLongArray((int) ((bits + 63) >>> 6));
    }

    @Override
    public long bits() {
        return bits;
    }

    @Override
    public boolean test(long bit) {
        if (bit < 0 || bit >= bits) {
            return false;
        }
        return (words.get((int) (bit >>> 6)) & (1L << bit)) != 0;
    }

    private long lastWordMask(long index) {
        long end = (index + 1) << 6;
        if (end <= bits) {
            return -1L;
        }
        int valid = (int) (bits - (index << 6));
        return valid <= 0 ? 0 : (1L << valid) - 1;
    }

    @Override
    public long setRange(long from, long to) {
        return update(from, to, true);
    }

    @Override
    public long clearRange(long from, long to) {
        return update(from, to, false);
    }

    private long update(long from, long to, boolean set) {
        from = Math.max(0, from);
        to = Math.min(bits, to);
        long changed = 0;
        for (long b = from; b < to;) {
            int wi = (int) (b >>> 6);
            int lo = (int) (b & 63);
            long wordEnd = ((long) wi + 1) << 6;
            int hi = (int) (Math.min(to, wordEnd) - ((long) wi << 6)); // exclusive, 1..64
            long mask = (hi == 64 ? -1L : (1L << hi) - 1) & (-1L << lo);
            changed += set ? orBits(wi, mask) : andNotBits(wi, mask);
            b = Math.min(to, wordEnd);
        }
        if (changed != 0) {
            count.addAndGet(set ? changed : -changed);
        }
        return changed;
    }

    private int orBits(int wi, long mask) {
        while (true) {
            long old = words.get(wi);
            long nw = old | mask;
            if (old == nw) {
                return 0;
            }
            if (words.compareAndSet(wi, old, nw)) {
                return Long.bitCount(nw ^ old);
            }
        }
    }

    private int andNotBits(int wi, long mask) {
        while (true) {
            long old = words.get(wi);
            long nw = old & ~mask;
            if (old == nw) {
                return 0;
            }
            if (words.compareAndSet(wi, old, nw)) {
                return Long.bitCount(nw ^ old);
            }
        }
    }

    @Override
    public long cardinality() {
        return count.get();
    }

    @Override
    public long nextSetBit(long from) {
        if (from < 0) {
            from = 0;
        }
        if (from >= bits) {
            return -1;
        }
        int wi = (int) (from >>> 6);
        long w = words.get(wi) & (-1L << (from & 63));
        while (true) {
            if (w != 0) {
                long b = ((long) wi << 6) + Long.numberOfTrailingZeros(w);
                return b < bits ? b : -1;
            }
            if (++wi >= words.length()) {
                return -1;
            }
            w = words.get(wi);
        }
    }

    @Override
    public long word(long index) {
        if (index < 0 || index >= words.length()) {
            return 0;
        }
        return words.get((int) index);
    }

    @Override
    public void orWord(long index, long value) {
        if (index < 0 || index >= words.length()) {
            return;
        }
        long v = value & lastWordMask(index);
        if (v == 0) {
            return;
        }
        int n = orBits((int) index, v);
        if (n != 0) {
            count.addAndGet(n);
        }
    }
}
