package io.scstdrbd.scst.exec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Helpers over buffer arrays (the bytes between each buffer's position and limit), always with
 * absolute access so the buffers' positions never move.
 */
public final class Segments {
    private Segments() {
    }

    public static long length(ByteBuffer[] segs) {
        long n = 0;
        for (ByteBuffer b : segs) {
            n += b.remaining();
        }
        return n;
    }

    /** The bytes {@code [offset, offset+length)} of {@code segs} as new views (no copy). */
    public static ByteBuffer[] slice(ByteBuffer[] segs, long offset, long length) {
        List<ByteBuffer> out = new ArrayList<>(segs.length);
        long skip = offset;
        long left = length;
        for (ByteBuffer b : segs) {
            if (left == 0) {
                break;
            }
            int r = b.remaining();
            if (skip >= r) {
                skip -= r;
                continue;
            }
            int start = b.position() + (int) skip;
            int n = (int) Math.min(r - skip, left);
            ByteBuffer v = b.duplicate();
            v.limit(start + n);
            v.position(start);
            out.add(v);
            skip = 0;
            left -= n;
        }
        return out.toArray(new ByteBuffer[0]);
    }

    /** Byte at logical offset {@code off}. */
    public static byte get(ByteBuffer[] segs, long off) {
        long o = off;
        for (ByteBuffer b : segs) {
            int r = b.remaining();
            if (o < r) {
                return b.get(b.position() + (int) o);
            }
            o -= r;
        }
        throw new IndexOutOfBoundsException(Long.toString(off));
    }

    /**
     * Compares {@code length} bytes of {@code a} (from offset 0) and {@code b} (from
     * {@code bOffset}); returns the offset in {@code a} of the first difference, or -1.
     */
    public static long mismatch(ByteBuffer[] a, ByteBuffer[] b, long bOffset, long length) {
        ByteBuffer[] x = slice(a, 0, length);
        ByteBuffer[] y = slice(b, bOffset, length);
        int xi = 0;
        int yi = 0;
        int xp = x.length > 0 ? x[0].position() : 0;
        int yp = y.length > 0 ? y[0].position() : 0;
        long pos = 0;
        while (pos < length) {
            ByteBuffer xb = x[xi];
            ByteBuffer yb = y[yi];
            int n = Math.min(xb.limit() - xp, yb.limit() - yp);
            int m = xb.slice(xp, n).mismatch(yb.slice(yp, n));
            if (m >= 0) {
                return pos + m;
            }
            pos += n;
            xp += n;
            yp += n;
            if (xp == xb.limit() && ++xi < x.length) {
                xp = x[xi].position();
            }
            if (yp == yb.limit() && ++yi < y.length) {
                yp = y[yi].position();
            }
        }
        return -1;
    }

    /** ORs {@code src} into {@code dst} (same length). */
    public static void or(ByteBuffer[] dst, ByteBuffer[] src) {
        long n = length(dst);
        for (long i = 0; i < n; i++) {
            put(dst, i, (byte) (get(dst, i) | get(src, i)));
        }
    }

    public static void put(ByteBuffer[] segs, long off, byte v) {
        long o = off;
        for (ByteBuffer b : segs) {
            int r = b.remaining();
            if (o < r) {
                b.put(b.position() + (int) o, v);
                return;
            }
            o -= r;
        }
        throw new IndexOutOfBoundsException(Long.toString(off));
    }

    /** Copies all of {@code segs} into a new array (for small parameter lists). */
    public static byte[] toArray(ByteBuffer[] segs) {
        long n = length(segs);
        byte[] out = new byte[(int) n];
        int off = 0;
        for (ByteBuffer b : segs) {
            int r = b.remaining();
            b.get(b.position(), out, off, r);
            off += r;
        }
        return out;
    }

    /** True if every byte is zero. */
    public static boolean allZero(ByteBuffer[] segs) {
        for (ByteBuffer b : segs) {
            for (int i = b.position(); i < b.limit(); i++) {
                if (b.get(i) != 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
