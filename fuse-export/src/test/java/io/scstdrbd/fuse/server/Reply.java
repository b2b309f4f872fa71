package io.scstdrbd.fuse.server;

import io.scstdrbd.fuse.protocol.OutHeader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A decoded reply: its header and its body as a little-endian buffer starting at 0. */
record Reply(OutHeader header, ByteBuffer body) {
    static Reply of(byte[] msg) {
        ByteBuffer b = ByteBuffer.wrap(msg).order(ByteOrder.LITTLE_ENDIAN);
        OutHeader h = OutHeader.decode(b, 0);
        if (h.len() != msg.length) {
            throw new AssertionError("reply length " + h.len() + " but " + msg.length + " bytes written");
        }
        ByteBuffer body = ByteBuffer.wrap(msg, OutHeader.SIZE, msg.length - OutHeader.SIZE).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        return new Reply(h, body);
    }

    int errno() {
        return -header.error();
    }

    byte[] bytes() {
        byte[] b = new byte[body.remaining()];
        body.get(0, b);
        return b;
    }
}
