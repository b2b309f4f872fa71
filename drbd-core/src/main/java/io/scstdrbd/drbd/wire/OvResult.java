package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_ov_result (32 bytes): P_OV_RESULT_ID (protocol 122+). */
public record OvResult(BlockAck ack, int result) implements Payload {
    public static final int SIZE = 32;

    public static OvResult read(ByteBuf in) {
        OvResult r = new OvResult(BlockAck.read(in), in.readInt());
        in.skipBytes(4);
        return r;
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        ack.write(out);
        out.writeInt(result);
        out.writeInt(0);
    }
}
