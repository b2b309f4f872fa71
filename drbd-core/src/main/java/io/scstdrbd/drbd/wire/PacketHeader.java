package io.scstdrbd.drbd.wire;

/**
 * A decoded packet header. {@code command} is the raw 16-bit code (it may name no {@link PacketType}),
 * {@code volume} the 16-bit volume number ({@link WireConstants#VOLUME_CONNECTION} for
 * connection-wide packets, always that for h80), {@code length} the payload bytes that follow.
 */
public record PacketHeader(HeaderFormat format, int command, int volume, long length) {
    public PacketHeader {
        if (command < 0 || command > 0xFFFF || volume < 0 || volume > 0xFFFF || length < 0) {
            throw new IllegalArgumentException("bad header field");
        }
    }

    public boolean isConnectionWide() {
        return volume == WireConstants.VOLUME_CONNECTION;
    }
}
