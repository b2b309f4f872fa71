package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_req_state_reply (4 bytes): the signed {@code enum drbd_state_rv} result. */
public record ReqStateReply(int retcode) implements Payload {
    public static final int SIZE = 4;

    public static ReqStateReply read(ByteBuf in) {
        return new ReqStateReply(in.readInt());
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeInt(retcode);
    }
}
