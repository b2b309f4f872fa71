package io.scstdrbd.drbd.transport;

import io.scstdrbd.drbd.wire.PacketType;

/** The two TCP connections to a peer. */
public enum SocketRole {
    /** Replication and resync data and all ordered control packets. */
    DATA(PacketType.INITIAL_DATA),
    /** Acks, pings and replies. */
    META(PacketType.INITIAL_META);

    private final PacketType firstPacket;

    SocketRole(PacketType firstPacket) {
        this.firstPacket = firstPacket;
    }

    /** The packet the connecting side sends first on a socket of this role. */
    public PacketType firstPacket() {
        return firstPacket;
    }

    public SocketRole other() {
        return this == DATA ? META : DATA;
    }
}
