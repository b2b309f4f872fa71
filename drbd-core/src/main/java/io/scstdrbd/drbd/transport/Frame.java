package io.scstdrbd.drbd.transport;

import io.netty.buffer.ByteBuf;
import io.scstdrbd.drbd.wire.PacketType;

/**
 * One framed packet as it came off a socket: its type, volume and exactly its payload bytes.
 * The receiver owns {@code payload} and must release it once.
 */
public record Frame(PacketType type, int volume, ByteBuf payload) {
    public void release() {
        payload.release();
    }

    @Override
    public String toString() {
        return type + "/" + volume + " (" + payload.readableBytes() + " bytes)";
    }
}
