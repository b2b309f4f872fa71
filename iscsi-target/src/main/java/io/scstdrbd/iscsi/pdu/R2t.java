package io.scstdrbd.iscsi.pdu;

/** Ready To Transfer (RFC 7143 11.8). */
public record R2t(long lun, int itt, int ttt, int statSN, int expCmdSN, int maxCmdSN, int r2tSN, int bufferOffset,
                  int desiredDataTransferLength) implements TargetPdu {
    @Override
    public Opcode opcode() {
        return Opcode.R2T;
    }
}
