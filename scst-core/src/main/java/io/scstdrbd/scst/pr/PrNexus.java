package io.scstdrbd.scst.pr;

/**
 * The I_T nexus a registration belongs to: initiator port and relative target port, plus the
 * initiator's TransportID for READ FULL STATUS.
 */
public record PrNexus(String initiatorPort, int relativeTargetPort, byte[] transportId) {

    public PrNexus {
        if (initiatorPort == null || initiatorPort.isEmpty() || initiatorPort.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("bad initiator port name '" + initiatorPort + "'");
        }
        transportId = transportId == null ? new byte[0] : transportId.clone();
    }

    @Override
    public byte[] transportId() {
        return transportId.clone();
    }

    public boolean sameAs(PrNexus o) {
        return initiatorPort.equals(o.initiatorPort) && relativeTargetPort == o.relativeTargetPort;
    }

    /** Map key. */
    public String id() {
        return initiatorPort + "|" + relativeTargetPort;
    }
}
