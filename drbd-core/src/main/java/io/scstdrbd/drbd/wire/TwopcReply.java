package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_twopc_reply (32 bytes): P_TWOPC_YES / NO / RETRY. */
public record TwopcReply(int tid, int initiatorNodeId, long reachableNodes, long primaryNodes, long weakNodes)
        implements Payload {
    public static final int SIZE = 32;

    public static TwopcReply read(ByteBuf in) {
        return new TwopcReply(in.readInt(), in.readInt(), in.readLong(), in.readLong(), in.readLong());
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeInt(tid);
        out.writeInt(initiatorNodeId);
        out.writeLong(reachableNodes);
        out.writeLong(primaryNodes);
        out.writeLong(weakNodes);
    }
}
