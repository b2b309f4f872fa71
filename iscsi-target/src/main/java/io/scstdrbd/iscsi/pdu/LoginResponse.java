package io.scstdrbd.iscsi.pdu;

/** Login Response (RFC 7143 11.13). */
public record LoginResponse(boolean transit, boolean cont, int csg, int nsg, int versionMax, int versionActive,
                            long isid, int tsih, int itt, int statSN, int expCmdSN, int maxCmdSN, int statusClass,
                            int statusDetail) implements TargetPdu {
    @Override
    public Opcode opcode() {
        return Opcode.LOGIN_RESPONSE;
    }
}
