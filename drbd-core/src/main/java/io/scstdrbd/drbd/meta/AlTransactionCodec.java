package io.scstdrbd.drbd.meta;

import io.scstdrbd.kernel.bytes.BigEndian;

/**
 * Encodes activity-log transactions with the kernel's CRC32C ({@link Crc32cKernel}, over the
 * 4 KiB block with the checksum field zero) and decodes/validates them as drbdmeta does.
 */
public final class AlTransactionCodec {
    static final int MAGIC_AT = 0;
    static final int TR_AT = 4;
    static final int CRC_AT = 8;
    static final int TYPE_AT = 12;
    static final int NUPD_AT = 14;
    static final int CTX_SIZE_AT = 16;
    static final int CTX_START_AT = 18;
    static final int UPD_SLOTS_AT = 36;
    static final int UPD_EXT_AT = 164;
    static final int CONTEXT_AT = 420;

    private AlTransactionCodec() {
    }

    public static byte[] encode(AlTransaction t) {
        byte[] b = new byte[4096];
        BigEndian.put32(b, MAGIC_AT, AlTransaction.MAGIC);
        BigEndian.put32(b, TR_AT, t.trNumber());
        BigEndian.put16(b, TYPE_AT, t.type());
        BigEndian.put16(b, NUPD_AT, t.nUpdates());
        BigEndian.put16(b, CTX_SIZE_AT, t.contextSize());
        BigEndian.put16(b, CTX_START_AT, t.contextStartSlot());
        int[] slots = t.updateSlots();
        int[] ext = t.updateExtents();
        for (int i = 0; i < AlTransaction.UPDATES; i++) {
            BigEndian.put16(b, UPD_SLOTS_AT + 2 * i, slots[i]);
            BigEndian.put32(b, UPD_EXT_AT + 4 * i, ext[i]);
        }
        int[] ctx = t.context();
        for (int i = 0; i < AlTransaction.CONTEXT; i++) {
            BigEndian.put32(b, CONTEXT_AT + 4 * i, ctx[i]);
        }
        BigEndian.put32(b, CRC_AT, Crc32cKernel.of(b));
        return b;
    }

    /** Decodes a block; null if its magic or checksum is wrong (a torn or foreign block). */
    public static AlTransaction decode(byte[] b) {
        if (BigEndian.s32(b, MAGIC_AT) != AlTransaction.MAGIC) {
            return null;
        }
        int crc = BigEndian.s32(b, CRC_AT);
        byte[] copy = b.clone();
        BigEndian.put32(copy, CRC_AT, 0);
        if (Crc32cKernel.update(0, copy, 0, 4096) != crc) {
            return null;
        }
        int[] slots = new int[AlTransaction.UPDATES];
        int[] ext = new int[AlTransaction.UPDATES];
        for (int i = 0; i < AlTransaction.UPDATES; i++) {
            slots[i] = BigEndian.u16(b, UPD_SLOTS_AT + 2 * i);
            ext[i] = BigEndian.s32(b, UPD_EXT_AT + 4 * i);
        }
        int[] ctx = new int[AlTransaction.CONTEXT];
        for (int i = 0; i < AlTransaction.CONTEXT; i++) {
            ctx[i] = BigEndian.s32(b, CONTEXT_AT + 4 * i);
        }
        return new AlTransaction(BigEndian.s32(b, TR_AT), BigEndian.u16(b, TYPE_AT), BigEndian.u16(b, NUPD_AT),
                BigEndian.u16(b, CTX_SIZE_AT), BigEndian.u16(b, CTX_START_AT), slots, ext, ctx);
    }
}
