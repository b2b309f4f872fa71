package io.scstdrbd.kernel.bytes;

import java.nio.ByteBuffer;

/**
 * The one helper for big-endian 16/24/32/48/64-bit fields (SCSI CDBs, iSCSI BHS, DRBD packets,
 * v09 metadata). Absolute access only: buffer positions are never moved.
 */
public final class BigEndian {
    private BigEndian() {
    }

    public static int u8(byte[] b, int off) {
        return b[off] & 0xff;
    }

    public static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    public static int u24(byte[] b, int off) {
        return ((b[off] & 0xff) << 16) | ((b[off + 1] & 0xff) << 8) | (b[off + 2] & 0xff);
    }

    /** Unsigned 32-bit value as a long. */
    public static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16)
                | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    /** 32-bit value as a (possibly negative) int. */
    public static int s32(byte[] b, int off) {
        return (int) u32(b, off);
    }

    public static long u48(byte[] b, int off) {
        return ((long) u16(b, off) << 32) | u32(b, off + 2);
    }

    public static long u64(byte[] b, int off) {
        return (u32(b, off) << 32) | u32(b, off + 4);
    }

    public static void put8(byte[] b, int off, int v) {
        b[off] = (byte) v;
    }

    public static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    public static void put24(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 16);
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) v;
    }

    public static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    public static void put48(byte[] b, int off, long v) {
        put16(b, off, (int) (v >>> 32));
        put32(b, off + 2, v);
    }

    public static void put64(byte[] b, int off, long v) {
        put32(b, off, v >>> 32);
        put32(b, off + 4, v);
    }

    public static int u16(ByteBuffer b, int idx) {
        return ((b.get(idx) & 0xff) << 8) | (b.get(idx + 1) & 0xff);
    }

    public static int u24(ByteBuffer b, int idx) {
        return ((b.get(idx) & 0xff) << 16) | ((b.get(idx + 1) & 0xff) << 8) | (b.get(idx + 2) & 0xff);
    }

    public static long u32(ByteBuffer b, int idx) {
        return ((long) (b.get(idx) & 0xff) << 24) | ((b.get(idx + 1) & 0xff) << 16)
                | ((b.get(idx + 2) & 0xff) << 8) | (b.get(idx + 3) & 0xff);
    }

    public static long u48(ByteBuffer b, int idx) {
        return ((long) u16(b, idx) << 32) | u32(b, idx + 2);
    }

    public static long u64(ByteBuffer b, int idx) {
        return (u32(b, idx) << 32) | u32(b, idx + 4);
    }

    public static void put16(ByteBuffer b, int idx, int v) {
        b.put(idx, (byte) (v >>> 8));
        b.put(idx + 1, (byte) v);
    }

    public static void put24(ByteBuffer b, int idx, int v) {
        b.put(idx, (byte) (v >>> 16));
        b.put(idx + 1, (byte) (v >>> 8));
        b.put(idx + 2, (byte) v);
    }

    public static void put32(ByteBuffer b, int idx, long v) {
        b.put(idx, (byte) (v >>> 24));
        b.put(idx + 1, (byte) (v >>> 16));
        b.put(idx + 2, (byte) (v >>> 8));
        b.put(idx + 3, (byte) v);
    }

    public static void put48(ByteBuffer b, int idx, long v) {
        put16(b, idx, (int) (v >>> 32));
        put32(b, idx + 2, v);
    }

    public static void put64(ByteBuffer b, int idx, long v) {
        put32(b, idx, v >>> 32);
        put32(b, idx + 4, v);
    }
}
