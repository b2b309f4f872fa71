package io.scstdrbd.iscsi.pdu;

/**
 * Login Request (RFC 7143 11.12). The I bit is always set on the wire.
 *
 * @param isid 48-bit initiator session id
 * @param csg  current stage (0 security, 1 operational, 3 full feature)
 * @param nsg  next stage, meaningful when {@code transit}
 */
public record LoginRequest(boolean transit, boolean cont, int csg, int nsg, int versionMax, int versionMin, long isid,
                           int tsih, int itt, int cid, int cmdSN, int expStatSN) implements PduHeader {
    @Override
    public Opcode opcode() {
        return Opcode.LOGIN_REQUEST;
    }

    @Override
    public boolean immediate() {
        return true;
    }
}
