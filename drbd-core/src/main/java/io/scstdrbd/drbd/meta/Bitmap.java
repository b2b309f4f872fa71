package io.scstdrbd.drbd.meta;

import java.util.BitSet;

/**
 * The in-memory out-of-sync bitmaps of one device, one per bitmap slot (peer), one bit per
 * 4 KiB, and their on-disk form: little-endian 32-bit words interleaved per slot
 * (word index = (bit / 32) × slots + slot, drbd.md §11.1). Tracks which 4 KiB pages of the
 * on-disk area changed so that only those are written.
 *
 * <p>Threading: thread-safe (synchronized); called from I/O completion threads and the metadata
 * writer.
 */
public final class Bitmap {
    /** 4 KiB per bit: sectors per bit. */
    public static final int SECTORS_PER_BIT = 8;
    public static final int PAGE = 4096;
    /** Bits per 4 MiB activity-log extent. */
    public static final int BITS_PER_EXTENT = 1024;

    private final int slots;
    private final long bits;
    private final int[][] words;
    private final long areaPages;
    private final BitSet dirtyPages = new BitSet();

    /**
     * @param slots        bitmap slots (bm_max_peers)
     * @param sectors      data sectors to track (the device size)
     * @param areaBytes    size of the on-disk bitmap area
     */
    public Bitmap(int slots, long sectors, long areaBytes) {
        this.slots = slots;
        this.bits = (sectors + SECTORS_PER_BIT - 1) / SECTORS_PER_BIT;
        int nWords = (int) ((bits + 31) / 32);
        this.words = new int[slots][nWords];
        this.areaPages = areaBytes / PAGE;
        if ((long) nWords * slots * 4 > areaBytes) {
            throw new IllegalArgumentException("bitmap area of " + areaBytes + " bytes cannot hold " + bits
                    + " bits for " + slots + " slots");
        }
    }

    public int slots() {
        return slots;
    }

    /** Number of bits per slot. */
    public long bits() {
        return bits;
    }

    public static long bitOfSector(long sector) {
        return sector / SECTORS_PER_BIT;
    }

    private static long pageOfWord(long diskWord) {
        return diskWord * 4 / PAGE;
    }

    /** Sets bits [first, last] of a slot; returns how many were newly set. */
    public synchronized long set(int slot, long first, long last) {
        return change(slot, first, last, true);
    }

    /** Clears bits [first, last] of a slot; returns how many were set before. */
    public synchronized long clear(int slot, long first, long last) {
        return change(slot, first, last, false);
    }

    private long change(int slot, long first, long last, boolean set) {
        if (first < 0 || last < first) {
            return 0;
        }
        long end = Math.min(last, bits - 1);
        long n = 0;
        int[] w = words[slot];
        for (long b = first; b <= end; ) {
            int wi = (int) (b / 32);
            int lo = (int) (b % 32);
            int hi = (int) Math.min(31, end - (long) wi * 32);
            int mask = (hi == 31 ? -1 : (1 << (hi + 1)) - 1) & (-1 << lo);
            int before = w[wi];
            int after = set ? before | mask : before & ~mask;
            if (after != before) {
                n += Integer.bitCount(set ? after & ~before : before & ~after);
                w[wi] = after;
                dirtyPages.set((int) pageOfWord((long) wi * slots + slot));
            }
            b = (long) (wi + 1) * 32;
        }
        return n;
    }

    public synchronized boolean test(int slot, long bit) {
        if (bit < 0 || bit >= bits) {
            return false;
        }
        return (words[slot][(int) (bit / 32)] >>> (bit % 32) & 1) != 0;
    }

    /** The first set bit of a slot at or after {@code from}, or -1 (for the resync's walk). */
    public synchronized long nextSetBit(int slot, long from) {
        if (from < 0) {
            from = 0;
        }
        int[] w = words[slot];
        int wi = (int) (from / 32);
        if (from >= bits || wi >= w.length) {
            return -1;
        }
        int v = w[wi] & (-1 << (from % 32));
        while (true) {
            if (v != 0) {
                long b = (long) wi * 32 + Integer.numberOfTrailingZeros(v);
                return b < bits ? b : -1;
            }
            if (++wi >= w.length) {
                return -1;
            }
            v = w[wi];
        }
    }

    /** 64 bits of a slot starting at bit {@code index * 64} (bit b in bit b % 64), for the bitmap exchange. */
    public synchronized long word64(int slot, long index) {
        int[] w = words[slot];
        long lo = index * 2 < w.length ? w[(int) (index * 2)] & 0xffffffffL : 0;
        long hi = index * 2 + 1 < w.length ? w[(int) (index * 2 + 1)] & 0xffffffffL : 0;
        return lo | hi << 32;
    }

    /** ORs 64 bits into a slot at bit {@code index * 64}; bits beyond the end are ignored. */
    public synchronized void or64(int slot, long index, long value) {
        for (int half = 0; half < 2; half++) {
            int v = (int) (value >>> (32 * half));
            long first = index * 64 + 32L * half;
            for (int i = 0; v != 0 && i < 32; i++) {
                if ((v & (1 << i)) != 0) {
                    long b = first + i;
                    if (b < bits) {
                        change(slot, b, b, true);
                    }
                }
            }
        }
    }

    /** Set bits of a slot (the out-of-sync amount in 4 KiB units). */
    public synchronized long count(int slot) {
        long n = 0;
        for (int v : words[slot]) {
            n += Integer.bitCount(v);
        }
        return n;
    }

    public synchronized void setAll(int slot) {
        set(slot, 0, bits - 1);
    }

    public synchronized void clearAll(int slot) {
        clear(slot, 0, bits - 1);
    }

    /** Copies one slot into another (COPY_BITMAP after a handshake). */
    public synchronized void copy(int from, int to) {
        int[] src = words[from];
        int[] dst = words[to];
        for (int i = 0; i < src.length; i++) {
            if (dst[i] != src[i]) {
                dst[i] = src[i];
                dirtyPages.set((int) pageOfWord((long) i * slots + to));
            }
        }
    }

    /** Pages of the on-disk area covering the bits of extents [firstExtent, lastExtent] of every slot. */
    public BitSet pagesOfExtents(long firstExtent, long lastExtent) {
        BitSet p = new BitSet();
        long firstWord = firstExtent * BITS_PER_EXTENT / 32 * slots;
        long lastWord = ((lastExtent + 1) * BITS_PER_EXTENT / 32) * slots - 1;
        for (long pg = pageOfWord(firstWord); pg <= pageOfWord(lastWord) && pg < areaPages; pg++) {
            p.set((int) pg);
        }
        return p;
    }

    /** Takes and resets the set of changed pages (the caller writes them). */
    public synchronized BitSet takeDirty(BitSet restrictTo) {
        BitSet d = (BitSet) dirtyPages.clone();
        if (restrictTo != null) {
            d.and(restrictTo);
        }
        dirtyPages.andNot(d);
        return d;
    }

    /** Marks pages dirty again (a failed write). */
    public synchronized void markDirty(BitSet pages) {
        dirtyPages.or(pages);
    }

    public synchronized void markAllDirty() {
        dirtyPages.set(0, (int) areaPages);
    }

    public long areaPages() {
        return areaPages;
    }

    /** The on-disk bytes of one 4 KiB page. */
    public synchronized byte[] encodePage(long page) {
        byte[] b = new byte[PAGE];
        long firstWord = page * PAGE / 4;
        for (int k = 0; k < PAGE / 4; k++) {
            long dw = firstWord + k;
            int slot = (int) (dw % slots);
            long wi = dw / slots;
            if (wi < words[slot].length) {
                int v = words[slot][(int) wi];
                b[4 * k] = (byte) v;
                b[4 * k + 1] = (byte) (v >>> 8);
                b[4 * k + 2] = (byte) (v >>> 16);
                b[4 * k + 3] = (byte) (v >>> 24);
            }
        }
        return b;
    }

    /** Loads one on-disk page (bits beyond the device end are ignored). */
    public synchronized void decodePage(long page, byte[] b) {
        long firstWord = page * PAGE / 4;
        for (int k = 0; k < PAGE / 4; k++) {
            long dw = firstWord + k;
            int slot = (int) (dw % slots);
            long wi = dw / slots;
            if (wi < words[slot].length) {
                int v = (b[4 * k] & 0xff) | (b[4 * k + 1] & 0xff) << 8 | (b[4 * k + 2] & 0xff) << 16
                        | (b[4 * k + 3] & 0xff) << 24;
                if (wi == words[slot].length - 1 && bits % 32 != 0) {
                    v &= (1 << (bits % 32)) - 1;
                }
                words[slot][(int) wi] = v;
            }
        }
    }
}
