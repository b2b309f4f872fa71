package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/**
 * The decoded fixed part of a packet. Implementations are immutable records; each knows its
 * encoded length and writes itself. Decoding is done by each record's static {@code read}.
 */
public interface Payload {
    /** Encoded length in bytes. */
    int length();

    /** Writes the encoded bytes at the writer index. */
    void write(ByteBuf out);

    /** The payload of packets that carry none. */
    Payload EMPTY = new Payload() {
        @Override
        public int length() {
            return 0;
        }

        @Override
        public void write(ByteBuf out) {
        }

        @Override
        public String toString() {
            return "-";
        }
    };
}
