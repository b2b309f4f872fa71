package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_protocol (24 bytes + NUL-terminated integrity algorithm): P_PROTOCOL and P_PROTOCOL_UPDATE. */
public record ProtocolParams(int wireProtocol, int afterSb0p, int afterSb1p, int afterSb2p, int connFlags,
        boolean twoPrimaries, String integrityAlg) implements Payload {
    public static final int FIXED = 24;

    public ProtocolParams {
        integrityAlg = integrityAlg == null ? "" : integrityAlg;
    }

    public static ProtocolParams read(ByteBuf in, int length) {
        int proto = in.readInt();
        int sb0 = in.readInt();
        int sb1 = in.readInt();
        int sb2 = in.readInt();
        int flags = in.readInt();
        int two = in.readInt();
        String alg = length > FIXED ? WireStrings.readTerminated(in, length - FIXED) : "";
        return new ProtocolParams(proto, sb0, sb1, sb2, flags, two != 0, alg);
    }

    @Override
    public int length() {
        return FIXED + WireStrings.terminatedLength(integrityAlg);
    }

    @Override
    public void write(ByteBuf out) {
        out.writeInt(wireProtocol);
        out.writeInt(afterSb0p);
        out.writeInt(afterSb1p);
        out.writeInt(afterSb2p);
        out.writeInt(connFlags);
        out.writeInt(twoPrimaries ? 1 : 0);
        WireStrings.writeTerminated(out, integrityAlg);
    }
}
