package io.scstdrbd.iscsi.pdu;

import io.scstdrbd.kernel.bytes.BigEndian;

/**
 * Additional Header Segments of a SCSI Command (RFC 7143 11.2.2): the extended CDB (type 1) and
 * the expected bidirectional read data length (type 2).
 *
 * @param extendedCdb          CDB bytes beyond the first 16, or an empty array
 * @param bidiReadLength       expected read data length of a bidirectional command, or -1
 */
public record Ahs(byte[] extendedCdb, long bidiReadLength) {
    public static final Ahs NONE = new Ahs(new byte[0], -1);
    public static final int TYPE_EXTENDED_CDB = 1;
    public static final int TYPE_BIDI_READ_LENGTH = 2;

    /**
     * Parses the AHS bytes.
     *
     * @throws PduFormatException when a segment's length runs past the end or a type is unknown
     */
    public static Ahs parse(byte[] ahs) throws PduFormatException {
        if (ahs.length == 0) {
            return NONE;
        }
        byte[] ext = new byte[0];
        long bidi = -1;
        int p = 0;
        while (p + 4 <= ahs.length) {
            int len = BigEndian.u16(ahs, p);
            int type = ahs[p + 2] & 0xff;
            if (len == 0 && type == 0) {
                break; // padding
            }
            if (p + 3 + len > ahs.length) {
                throw new PduFormatException("AHS type " + type + " length " + len + " exceeds TotalAHSLength");
            }
            if (type == TYPE_EXTENDED_CDB) {
                // AHSLength counts the reserved byte that precedes the CDB continuation
                ext = java.util.Arrays.copyOfRange(ahs, p + 4, p + 3 + len);
            } else if (type == TYPE_BIDI_READ_LENGTH) {
                if (len != 5) {
                    throw new PduFormatException("bidirectional read length AHS has length " + len);
                }
                bidi = BigEndian.u32(ahs, p + 4);
            } else {
                throw new PduFormatException("unsupported AHS type " + type);
            }
            p += (3 + len + 3) & ~3;
        }
        return new Ahs(ext, bidi);
    }

    @Override
    public byte[] extendedCdb() {
        return extendedCdb.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ahs a && a.bidiReadLength == bidiReadLength
                && java.util.Arrays.equals(a.extendedCdb, extendedCdb);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(extendedCdb) + Long.hashCode(bidiReadLength);
    }

    @Override
    public String toString() {
        return "Ahs[extendedCdb=" + extendedCdb.length + " bytes, bidiReadLength=" + bidiReadLength + "]";
    }
}
