package io.scstdrbd.scst.testing;

import io.scstdrbd.kernel.bytes.BigEndian;

/** CDB builders for tests (field layouts from SPC-4/SBC-3). */
public final class Cdb {
    private Cdb() {
    }

    public static byte[] of(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    public static byte[] tur() {
        return new byte[6];
    }

    public static byte[] inquiry(boolean evpd, int page, int alloc) {
        byte[] b = of(0x12, evpd ? 1 : 0, page, 0, 0, 0);
        BigEndian.put16(b, 3, alloc);
        return b;
    }

    public static byte[] readCapacity10() {
        return of(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public static byte[] readCapacity16(int alloc) {
        byte[] b = new byte[16];
        b[0] = (byte) 0x9e;
        b[1] = 0x10;
        BigEndian.put32(b, 10, alloc);
        return b;
    }

    public static byte[] rw10(int op, long lba, int blocks, int flags) {
        byte[] b = new byte[10];
        b[0] = (byte) op;
        b[1] = (byte) flags;
        BigEndian.put32(b, 2, lba);
        BigEndian.put16(b, 7, blocks);
        return b;
    }

    public static byte[] read10(long lba, int blocks) {
        return rw10(0x28, lba, blocks, 0);
    }

    public static byte[] write10(long lba, int blocks) {
        return rw10(0x2a, lba, blocks, 0);
    }

    public static byte[] rw16(int op, long lba, long blocks, int flags) {
        byte[] b = new byte[16];
        b[0] = (byte) op;
        b[1] = (byte) flags;
        BigEndian.put64(b, 2, lba);
        BigEndian.put32(b, 10, blocks);
        return b;
    }

    public static byte[] compareAndWrite(long lba, int blocks) {
        byte[] b = new byte[16];
        b[0] = (byte) 0x89;
        BigEndian.put64(b, 2, lba);
        b[13] = (byte) blocks;
        return b;
    }

    public static byte[] writeSame16(long lba, long blocks, int flags) {
        return rw16(0x93, lba, blocks, flags);
    }

    public static byte[] unmap(int paramLen) {
        byte[] b = new byte[10];
        b[0] = 0x42;
        BigEndian.put16(b, 7, paramLen);
        return b;
    }

    /** UNMAP parameter list with (lba, blocks) pairs. */
    public static byte[] unmapList(long... pairs) {
        int n = pairs.length / 2;
        byte[] p = new byte[8 + 16 * n];
        BigEndian.put16(p, 0, p.length - 2);
        BigEndian.put16(p, 2, 16 * n);
        for (int i = 0; i < n; i++) {
            BigEndian.put64(p, 8 + 16 * i, pairs[2 * i]);
            BigEndian.put32(p, 16 + 16 * i, pairs[2 * i + 1]);
        }
        return p;
    }

    public static byte[] modeSense6(int pc, int page, int alloc) {
        return of(0x1a, 0, (pc << 6) | page, 0, alloc, 0);
    }

    public static byte[] modeSelect6(boolean save, int len) {
        return of(0x15, 0x10 | (save ? 1 : 0), 0, 0, len, 0);
    }

    public static byte[] reportLuns(int alloc) {
        byte[] b = new byte[12];
        b[0] = (byte) 0xa0;
        BigEndian.put32(b, 6, alloc);
        return b;
    }

    public static byte[] syncCache10() {
        return of(0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public static byte[] prIn(int sa, int alloc) {
        byte[] b = new byte[10];
        b[0] = 0x5e;
        b[1] = (byte) sa;
        BigEndian.put16(b, 7, alloc);
        return b;
    }

    public static byte[] prOut(int sa, int scope, int type, int len) {
        byte[] b = new byte[10];
        b[0] = 0x5f;
        b[1] = (byte) sa;
        b[2] = (byte) ((scope << 4) | type);
        BigEndian.put32(b, 5, len);
        return b;
    }

    /** Basic PR OUT parameter list. */
    public static byte[] prOutParams(long key, long sark, boolean aptpl) {
        byte[] p = new byte[24];
        BigEndian.put64(p, 0, key);
        BigEndian.put64(p, 8, sark);
        p[20] = (byte) (aptpl ? 1 : 0);
        return p;
    }

    public static byte[] startStop(boolean loej, boolean start) {
        return of(0x1b, 0, 0, 0, (loej ? 2 : 0) | (start ? 1 : 0), 0);
    }

    public static byte[] preventAllow(boolean prevent) {
        return of(0x1e, 0, 0, 0, prevent ? 1 : 0, 0);
    }

    public static byte[] requestSense(int alloc) {
        return of(0x03, 0, 0, 0, alloc, 0);
    }
}
