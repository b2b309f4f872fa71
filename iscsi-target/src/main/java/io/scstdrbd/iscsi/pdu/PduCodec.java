package io.scstdrbd.iscsi.pdu;

import io.scstdrbd.kernel.bytes.BigEndian;

/**
 * Encodes and decodes the 48-byte Basic Header Segment (RFC 7143 11.2 and the per-opcode layouts
 * of chapter 11). Pure functions over byte arrays; framing (AHS, data segment, digests) is done by
 * the connection's frame decoder and PDU writer.
 */
public final class PduCodec {
    public static final int BHS_LENGTH = 48;
    /** DataSegmentLength is a 24-bit field. */
    public static final int MAX_DATA_SEGMENT_LENGTH = (1 << 24) - 1;

    private static final int IMMEDIATE = 0x40;
    private static final int FINAL = 0x80;

    private PduCodec() {
    }

    /** TotalAHSLength in bytes (the field counts 4-byte words). */
    public static int totalAhsLength(byte[] bhs) {
        return BigEndian.u8(bhs, 4) * 4;
    }

    public static int dataSegmentLength(byte[] bhs) {
        return BigEndian.u24(bhs, 5);
    }

    /** Pads a data segment length to the 4-byte boundary the wire uses. */
    public static int padded(int length) {
        return (length + 3) & ~3;
    }

    /** Decodes a BHS. Never throws for unknown opcodes: those become {@link UnknownPdu}. */
    public static PduHeader decode(byte[] b) {
        if (b.length < BHS_LENGTH) {
            throw new IllegalArgumentException("BHS is 48 bytes, got " + b.length);
        }
        boolean imm = (b[0] & IMMEDIATE) != 0;
        int code = b[0] & 0x3f;
        int f1 = b[1] & 0xff;
        boolean fin = (f1 & FINAL) != 0;
        long lun = BigEndian.u64(b, 8);
        int itt = BigEndian.s32(b, 16);
        Opcode op = Opcode.of(code);
        if (op == null) {
            return new UnknownPdu(code, imm, itt, java.util.Arrays.copyOf(b, BHS_LENGTH));
        }
        switch (op) {
            case NOP_OUT:
                return new NopOut(imm, lun, itt, i32(b, 20), i32(b, 24), i32(b, 28));
            case SCSI_COMMAND: {
                byte[] cdb = new byte[ScsiCommand.CDB_BYTES];
                System.arraycopy(b, 32, cdb, 0, cdb.length);
                return new ScsiCommand(imm, fin, (f1 & 0x40) != 0, (f1 & 0x20) != 0, f1 & 0x07, lun, itt,
                        BigEndian.u32(b, 20), i32(b, 24), i32(b, 28), cdb);
            }
            case TASK_MGMT_REQUEST:
                return new TaskMgmtRequest(imm, f1 & 0x7f, lun, itt, i32(b, 20), i32(b, 24), i32(b, 28), i32(b, 32),
                        i32(b, 36));
            case LOGIN_REQUEST:
                return new LoginRequest(fin, (f1 & 0x40) != 0, (f1 >> 2) & 3, f1 & 3, b[2] & 0xff, b[3] & 0xff,
                        BigEndian.u48(b, 8), BigEndian.u16(b, 14), itt, BigEndian.u16(b, 20), i32(b, 24),
                        i32(b, 28));
            case TEXT_REQUEST:
                return new TextRequest(imm, fin, (f1 & 0x40) != 0, lun, itt, i32(b, 20), i32(b, 24), i32(b, 28));
            case DATA_OUT:
                return new DataOut(fin, lun, itt, i32(b, 20), i32(b, 28), i32(b, 36), i32(b, 40));
            case LOGOUT_REQUEST:
                return new LogoutRequest(imm, f1 & 0x7f, itt, BigEndian.u16(b, 20), i32(b, 24), i32(b, 28));
            case SNACK_REQUEST:
                return new SnackRequest(f1 & 0x0f, lun, itt, i32(b, 20), i32(b, 28), i32(b, 40), i32(b, 44));
            case NOP_IN:
                return new NopIn(lun, itt, i32(b, 20), i32(b, 24), i32(b, 28), i32(b, 32));
            case SCSI_RESPONSE:
                return new ScsiResponsePdu((f1 & 0x10) != 0, (f1 & 0x08) != 0, (f1 & 0x04) != 0, (f1 & 0x02) != 0,
                        b[2] & 0xff, b[3] & 0xff, itt, i32(b, 20), i32(b, 24), i32(b, 28), i32(b, 32), i32(b, 36),
                        i32(b, 40), i32(b, 44));
            case TASK_MGMT_RESPONSE:
                return new TaskMgmtResponse(b[2] & 0xff, itt, i32(b, 24), i32(b, 28), i32(b, 32));
            case LOGIN_RESPONSE:
                return new LoginResponse(fin, (f1 & 0x40) != 0, (f1 >> 2) & 3, f1 & 3, b[2] & 0xff, b[3] & 0xff,
                        BigEndian.u48(b, 8), BigEndian.u16(b, 14), itt, i32(b, 24), i32(b, 28), i32(b, 32),
                        b[36] & 0xff, b[37] & 0xff);
            case TEXT_RESPONSE:
                return new TextResponse(fin, (f1 & 0x40) != 0, lun, itt, i32(b, 20), i32(b, 24), i32(b, 28),
                        i32(b, 32));
            case DATA_IN:
                return new DataIn(fin, (f1 & 0x40) != 0, (f1 & 0x04) != 0, (f1 & 0x02) != 0, (f1 & 0x01) != 0,
                        b[3] & 0xff, lun, itt, i32(b, 20), i32(b, 24), i32(b, 28), i32(b, 32), i32(b, 36),
                        i32(b, 40), i32(b, 44));
            case LOGOUT_RESPONSE:
                return new LogoutResponse(b[2] & 0xff, itt, i32(b, 24), i32(b, 28), i32(b, 32), BigEndian.u16(b, 40),
                        BigEndian.u16(b, 42));
            case R2T:
                return new R2t(lun, itt, i32(b, 20), i32(b, 24), i32(b, 28), i32(b, 32), i32(b, 36), i32(b, 40),
                        i32(b, 44));
            case ASYNC_MESSAGE:
                return new AsyncMessage(lun, i32(b, 24), i32(b, 28), i32(b, 32), b[36] & 0xff, b[37] & 0xff,
                        BigEndian.u16(b, 38), BigEndian.u16(b, 40), BigEndian.u16(b, 42));
            case REJECT:
                return new Reject(b[2] & 0xff, i32(b, 24), i32(b, 28), i32(b, 32), i32(b, 36));
            default:
                throw new AssertionError(op);
        }
    }

    /** Encodes a BHS with the given framing lengths into a new 48-byte array. */
    public static byte[] encode(PduHeader h, int totalAhsLength, int dataSegmentLength) {
        byte[] b = new byte[BHS_LENGTH];
        encode(h, totalAhsLength, dataSegmentLength, b, 0);
        return b;
    }

    /**
     * Encodes a BHS into {@code b} at {@code off} (48 bytes are written, reserved bytes zeroed).
     *
     * @param totalAhsLength    AHS bytes, a multiple of 4, at most 1020
     * @param dataSegmentLength data segment bytes without padding, at most 2^24-1
     */
    public static void encode(PduHeader h, int totalAhsLength, int dataSegmentLength, byte[] b, int off) {
        if ((totalAhsLength & 3) != 0 || totalAhsLength < 0 || totalAhsLength > 255 * 4) {
            throw new IllegalArgumentException("TotalAHSLength " + totalAhsLength);
        }
        if (dataSegmentLength < 0 || dataSegmentLength > MAX_DATA_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("DataSegmentLength " + dataSegmentLength);
        }
        java.util.Arrays.fill(b, off, off + BHS_LENGTH, (byte) 0);
        if (h instanceof UnknownPdu u) {
            u.copyBhs(b, off);
        } else {
            b[off] = (byte) (h.opcode().code() | (h.immediate() ? IMMEDIATE : 0));
        }
        b[off + 4] = (byte) (totalAhsLength / 4);
        BigEndian.put24(b, off + 5, dataSegmentLength);
        BigEndian.put32(b, off + 16, h.itt());
        if (h instanceof TargetPdu t) {
            put(b, off + 24, t.statSN());
            put(b, off + 28, t.expCmdSN());
            put(b, off + 32, t.maxCmdSN());
        }
        if (h instanceof UnknownPdu u) {
            // raw bytes already copied; lengths above override
        } else if (h instanceof NopOut p) {
            b[off + 1] = (byte) FINAL;
            BigEndian.put64(b, off + 8, p.lun());
            put(b, off + 20, p.ttt());
            put(b, off + 24, p.cmdSN());
            put(b, off + 28, p.expStatSN());
        } else if (h instanceof ScsiCommand p) {
            b[off + 1] = (byte) ((p.finalFlag() ? FINAL : 0) | (p.read() ? 0x40 : 0) | (p.write() ? 0x20 : 0)
                    | (p.attr() & 7));
            BigEndian.put64(b, off + 8, p.lun());
            BigEndian.put32(b, off + 20, p.expectedDataTransferLength());
            put(b, off + 24, p.cmdSN());
            put(b, off + 28, p.expStatSN());
            p.copyCdb(b, off + 32);
        } else if (h instanceof TaskMgmtRequest p) {
            b[off + 1] = (byte) (FINAL | (p.function() & 0x7f));
            BigEndian.put64(b, off + 8, p.lun());
            put(b, off + 20, p.referencedTaskTag());
            put(b, off + 24, p.cmdSN());
            put(b, off + 28, p.expStatSN());
            put(b, off + 32, p.refCmdSN());
            put(b, off + 36, p.expDataSN());
        } else if (h instanceof LoginRequest p) {
            b[off + 1] = (byte) ((p.transit() ? FINAL : 0) | (p.cont() ? 0x40 : 0) | ((p.csg() & 3) << 2)
                    | (p.nsg() & 3));
            b[off + 2] = (byte) p.versionMax();
            b[off + 3] = (byte) p.versionMin();
            BigEndian.put48(b, off + 8, p.isid());
            BigEndian.put16(b, off + 14, p.tsih());
            BigEndian.put16(b, off + 20, p.cid());
            put(b, off + 24, p.cmdSN());
            put(b, off + 28, p.expStatSN());
        } else if (h instanceof TextRequest p) {
            b[off + 1] = (byte) ((p.finalFlag() ? FINAL : 0) | (p.cont() ? 0x40 : 0));
            BigEndian.put64(b, off + 8, p.lun());
            put(b, off + 20, p.ttt());
            put(b, off + 24, p.cmdSN());
            put(b, off + 28, p.expStatSN());
        } else if (h instanceof DataOut p) {
            b[off + 1] = (byte) (p.finalFlag() ? FINAL : 0);
            BigEndian.put64(b, off + 8, p.lun());
            put(b, off + 20, p.ttt());
            put(b, off + 28, p.expStatSN());
            put(b, off + 36, p.dataSN());
            put(b, off + 40, p.bufferOffset());
        } else if (h instanceof LogoutRequest p) {
            b[off + 1] = (byte) (FINAL | (p.reason() & 0x7f));
            BigEndian.put16(b, off + 20, p.cid());
            put(b, off + 24, p.cmdSN());
            put(b, off + 28, p.expStatSN());
        } else if (h instanceof SnackRequest p) {
            b[off + 1] = (byte) (FINAL | (p.type() & 0x0f));
            BigEndian.put64(b, off + 8, p.lun());
            put(b, off + 20, p.ttt());
            put(b, off + 28, p.expStatSN());
            put(b, off + 40, p.begRun());
            put(b, off + 44, p.runLength());
        } else if (h instanceof NopIn p) {
            b[off + 1] = (byte) FINAL;
            BigEndian.put64(b, off + 8, p.lun());
            put(b, off + 20, p.ttt());
        } else if (h instanceof ScsiResponsePdu p) {
            b[off + 1] = (byte) (FINAL | (p.bidiOverflow() ? 0x10 : 0) | (p.bidiUnderflow() ? 0x08 : 0)
                    | (p.overflow() ? 0x04 : 0) | (p.underflow() ? 0x02 : 0));
            b[off + 2] = (byte) p.response();
            b[off + 3] = (byte) p.status();
            put(b, off + 20, p.snackTag());
            put(b, off + 36, p.expDataSN());
            put(b, off + 40, p.bidiReadResidualCount());
            put(b, off + 44, p.residualCount());
        } else if (h instanceof TaskMgmtResponse p) {
            b[off + 1] = (byte) FINAL;
            b[off + 2] = (byte) p.response();
        } else if (h instanceof LoginResponse p) {
            b[off + 1] = (byte) ((p.transit() ? FINAL : 0) | (p.cont() ? 0x40 : 0) | ((p.csg() & 3) << 2)
                    | (p.nsg() & 3));
            b[off + 2] = (byte) p.versionMax();
            b[off + 3] = (byte) p.versionActive();
            BigEndian.put48(b, off + 8, p.isid());
            BigEndian.put16(b, off + 14, p.tsih());
            b[off + 36] = (byte) p.statusClass();
            b[off + 37] = (byte) p.statusDetail();
        } else if (h instanceof TextResponse p) {
            b[off + 1] = (byte) ((p.finalFlag() ? FINAL : 0) | (p.cont() ? 0x40 : 0));
            BigEndian.put64(b, off + 8, p.lun());
            put(b, off + 20, p.ttt());
        } else if (h instanceof DataIn p) {
            b[off + 1] = (byte) ((p.finalFlag() ? FINAL : 0) | (p.ack() ? 0x40 : 0) | (p.overflow() ? 0x04 : 0)
                    | (p.underflow() ? 0x02 : 0) | (p.statusPresent() ? 0x01 : 0));
            b[off + 3] = (byte) p.status();
            BigEndian.put64(b, off + 8, p.lun());
            put(b, off + 20, p.ttt());
            put(b, off + 36, p.dataSN());
            put(b, off + 40, p.bufferOffset());
            put(b, off + 44, p.residualCount());
        } else if (h instanceof LogoutResponse p) {
            b[off + 1] = (byte) FINAL;
            b[off + 2] = (byte) p.response();
            BigEndian.put16(b, off + 40, p.time2Wait());
            BigEndian.put16(b, off + 42, p.time2Retain());
        } else if (h instanceof R2t p) {
            b[off + 1] = (byte) FINAL;
            BigEndian.put64(b, off + 8, p.lun());
            put(b, off + 20, p.ttt());
            put(b, off + 36, p.r2tSN());
            put(b, off + 40, p.bufferOffset());
            put(b, off + 44, p.desiredDataTransferLength());
        } else if (h instanceof AsyncMessage p) {
            b[off + 1] = (byte) FINAL;
            BigEndian.put64(b, off + 8, p.lun());
            b[off + 36] = (byte) p.asyncEvent();
            b[off + 37] = (byte) p.asyncVCode();
            BigEndian.put16(b, off + 38, p.parameter1());
            BigEndian.put16(b, off + 40, p.parameter2());
            BigEndian.put16(b, off + 42, p.parameter3());
        } else if (h instanceof Reject p) {
            b[off + 1] = (byte) FINAL;
            b[off + 2] = (byte) p.reason();
            put(b, off + 36, p.dataSN());
        }
    }

    private static int i32(byte[] b, int off) {
        return BigEndian.s32(b, off);
    }

    private static void put(byte[] b, int off, int v) {
        BigEndian.put32(b, off, v & 0xffffffffL);
    }
}
