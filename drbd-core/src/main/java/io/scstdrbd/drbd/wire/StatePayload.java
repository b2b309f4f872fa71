package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_state (4 bytes): P_STATE. */
public record StatePayload(DrbdState state) implements Payload {
    public static final int SIZE = 4;

    public static StatePayload read(ByteBuf in) {
        return new StatePayload(DrbdState.decode(in.readInt()));
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeInt(state.encode());
    }
}
