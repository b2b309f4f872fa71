package io.scstdrbd.iscsi.pdu;

import java.util.Arrays;
import java.util.HexFormat;

/** A PDU whose opcode is not defined (vendor specific or reserved): kept raw so it can be rejected. */
public record UnknownPdu(int code, boolean immediate, int itt, byte[] bhs) implements PduHeader {
    public UnknownPdu {
        bhs = bhs.clone();
    }

    @Override
    public byte[] bhs() {
        return bhs.clone();
    }

    /** Copies the 48 raw header bytes into {@code dst} at {@code off}. */
    public void copyBhs(byte[] dst, int off) {
        System.arraycopy(bhs, 0, dst, off, bhs.length);
    }

    @Override
    public Opcode opcode() {
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnknownPdu u && Arrays.equals(bhs, u.bhs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bhs);
    }

    @Override
    public String toString() {
        return "UnknownPdu[opcode=0x" + Integer.toHexString(code) + ", bhs=" + HexFormat.of().formatHex(bhs) + "]";
    }
}
