package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/**
 * One decoded packet: its type, volume (0xFFFF = connection-wide), fixed payload and, for data
 * packets, the data bytes. Ownership: whoever holds a Packet owns {@code data} and must
 * {@link #release()} it (or hand it on) exactly once.
 */
public record Packet(PacketType type, int volume, Payload payload, ByteBuf data) {

    public static Packet of(PacketType type, int volume, Payload payload) {
        return new Packet(type, volume, payload, null);
    }

    /** A connection-wide packet. */
    public static Packet conn(PacketType type, Payload payload) {
        return new Packet(type, WireConstants.VOLUME_CONNECTION, payload, null);
    }

    public int dataLength() {
        return data == null ? 0 : data.readableBytes();
    }

    @SuppressWarnings("unchecked")
    public <T extends Payload> T payloadAs(Class<T> c) {
        return (T) payload;
    }

    /** Releases the data bytes, if any. */
    public void release() {
        if (data != null) {
            data.release();
        }
    }

    @Override
    public String toString() {
        return type + (volume == WireConstants.VOLUME_CONNECTION ? "" : "/v" + volume) + " " + payload
                + (data == null ? "" : " +" + data.readableBytes() + "B");
    }
}
