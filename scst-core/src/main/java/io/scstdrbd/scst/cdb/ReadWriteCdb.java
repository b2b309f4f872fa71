package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/**
 * A medium-access command that moves or checks a range of logical blocks: READ, WRITE, VERIFY,
 * WRITE AND VERIFY (6/10/12/16 where they exist), ORWRITE(16), COMPARE AND WRITE and
 * WRITE ATOMIC(16) (SBC-3/SBC-4).
 *
 * @param kind    which command
 * @param opcode  the operation code (for residual and log purposes)
 * @param lba     first logical block (unsigned; READ(16) may carry values above 2^63, which are
 *                then out of range anyway)
 * @param blocks  number of logical blocks (for COMPARE AND WRITE: blocks to compare and write;
 *                the data-out is twice that)
 * @param dpo     disable page out (accepted, no effect)
 * @param fua     force unit access (the write is durable when it completes)
 * @param protect RDPROTECT / WRPROTECT / VRPROTECT / ORPROTECT
 * @param bytchk  VERIFY / WRITE AND VERIFY byte-check mode (0 none, 1 compare, 3 one block against all)
 */
public record ReadWriteCdb(Kind kind, int opcode, long lba, long blocks, boolean dpo, boolean fua, int protect,
                           int bytchk) {

    /** What the command does with the range. */
    public enum Kind {
        READ, WRITE, VERIFY, WRITE_AND_VERIFY, ORWRITE, COMPARE_AND_WRITE, WRITE_ATOMIC;

        /** True if the command changes the medium. */
        public boolean writes() {
            return this != READ && this != VERIFY;
        }
    }

    public static ReadWriteCdb parse(byte[] cdb) throws ScsiException {
        int op = cdb[0] & 0xff;
        switch (op) {
            case Opcodes.READ_6:
            case Opcodes.WRITE_6: {
                Cdbs.requireLength(cdb, 6);
                long lba = ((cdb[1] & 0x1f) << 16) | Cdbs.u16(cdb, 2);
                int n = Cdbs.u8(cdb, 4);
                return new ReadWriteCdb(op == Opcodes.READ_6 ? Kind.READ : Kind.WRITE, op, lba, n == 0 ? 256 : n,
                        false, false, 0, 0);
            }
            case Opcodes.READ_10:
                return ten(cdb, Kind.READ);
            case Opcodes.WRITE_10:
                return ten(cdb, Kind.WRITE);
            case Opcodes.VERIFY_10:
                return ten(cdb, Kind.VERIFY);
            case Opcodes.WRITE_AND_VERIFY_10:
                return ten(cdb, Kind.WRITE_AND_VERIFY);
            case Opcodes.READ_12:
                return twelve(cdb, Kind.READ);
            case Opcodes.WRITE_12:
                return twelve(cdb, Kind.WRITE);
            case Opcodes.VERIFY_12:
                return twelve(cdb, Kind.VERIFY);
            case Opcodes.WRITE_AND_VERIFY_12:
                return twelve(cdb, Kind.WRITE_AND_VERIFY);
            case Opcodes.READ_16:
                return sixteen(cdb, Kind.READ);
            case Opcodes.WRITE_16:
                return sixteen(cdb, Kind.WRITE);
            case Opcodes.VERIFY_16:
                return sixteen(cdb, Kind.VERIFY);
            case Opcodes.WRITE_AND_VERIFY_16:
                return sixteen(cdb, Kind.WRITE_AND_VERIFY);
            case Opcodes.ORWRITE_16:
                return sixteen(cdb, Kind.ORWRITE);
            case Opcodes.COMPARE_AND_WRITE: {
                Cdbs.requireLength(cdb, 16);
                return new ReadWriteCdb(Kind.COMPARE_AND_WRITE, op, Cdbs.u64(cdb, 2), Cdbs.u8(cdb, 13),
                        Cdbs.bit(cdb, 1, 4), Cdbs.bit(cdb, 1, 3), protect(cdb), 0);
            }
            case Opcodes.WRITE_ATOMIC_16: {
                Cdbs.requireLength(cdb, 16);
                return new ReadWriteCdb(Kind.WRITE_ATOMIC, op, Cdbs.u64(cdb, 2), Cdbs.u16(cdb, 12),
                        Cdbs.bit(cdb, 1, 4), Cdbs.bit(cdb, 1, 3), protect(cdb), 0);
            }
            default:
                throw ScsiException.invalidCdbField(0, -1);
        }
    }

    private static int protect(byte[] cdb) {
        return (cdb[1] >>> 5) & 7;
    }

    private static int bytchk(byte[] cdb, Kind kind) {
        if (kind == Kind.VERIFY) {
            return (cdb[1] >>> 1) & 3;
        }
        if (kind == Kind.WRITE_AND_VERIFY) {
            return (cdb[1] >>> 1) & 1;
        }
        return 0;
    }

    /** FUA exists on READ, WRITE and ORWRITE; VERIFY and WRITE AND VERIFY keep bit 3 reserved. */
    private static boolean fua(byte[] cdb, Kind kind) {
        return (kind == Kind.READ || kind == Kind.WRITE || kind == Kind.ORWRITE) && Cdbs.bit(cdb, 1, 3);
    }

    private static ReadWriteCdb ten(byte[] cdb, Kind kind) throws ScsiException {
        Cdbs.requireLength(cdb, 10);
        return new ReadWriteCdb(kind, cdb[0] & 0xff, Cdbs.u32(cdb, 2), Cdbs.u16(cdb, 7), Cdbs.bit(cdb, 1, 4),
                fua(cdb, kind), protect(cdb), bytchk(cdb, kind));
    }

    private static ReadWriteCdb twelve(byte[] cdb, Kind kind) throws ScsiException {
        Cdbs.requireLength(cdb, 12);
        return new ReadWriteCdb(kind, cdb[0] & 0xff, Cdbs.u32(cdb, 2), Cdbs.u32(cdb, 6), Cdbs.bit(cdb, 1, 4),
                fua(cdb, kind), protect(cdb), bytchk(cdb, kind));
    }

    private static ReadWriteCdb sixteen(byte[] cdb, Kind kind) throws ScsiException {
        Cdbs.requireLength(cdb, 16);
        return new ReadWriteCdb(kind, cdb[0] & 0xff, Cdbs.u64(cdb, 2), Cdbs.u32(cdb, 10), Cdbs.bit(cdb, 1, 4),
                fua(cdb, kind), protect(cdb), bytchk(cdb, kind));
    }
}
