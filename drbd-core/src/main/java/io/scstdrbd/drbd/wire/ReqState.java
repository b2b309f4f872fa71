package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_req_state (8 bytes): mask and value of a cluster-wide state change (8.4 dialect). */
public record ReqState(int mask, int val) implements Payload {
    public static final int SIZE = 8;

    public static ReqState read(ByteBuf in) {
        return new ReqState(in.readInt(), in.readInt());
    }

    public DrbdState maskState() {
        return DrbdState.decode(mask);
    }

    public DrbdState valState() {
        return DrbdState.decode(val);
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeInt(mask);
        out.writeInt(val);
    }
}
