package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_connection_features (72 bytes): the version range and features a node offers. */
public record ConnectionFeatures(int protocolMin, int featureFlags, int protocolMax, int senderNodeId,
        int receiverNodeId) implements Payload {
    public static final int SIZE = 72;

    public static ConnectionFeatures read(ByteBuf in) {
        ConnectionFeatures f = new ConnectionFeatures(in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                in.readInt());
        in.skipBytes(4 + 48);
        return f;
    }

    /** protocol_max, with 0 meaning "same as protocol_min". */
    public int effectiveMax() {
        return protocolMax == 0 ? protocolMin : protocolMax;
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeInt(protocolMin);
        out.writeInt(featureFlags);
        out.writeInt(protocolMax);
        out.writeInt(senderNodeId);
        out.writeInt(receiverNodeId);
        out.writeZero(4 + 48);
    }
}
