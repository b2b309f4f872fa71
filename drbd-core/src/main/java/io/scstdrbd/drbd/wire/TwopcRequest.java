package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/**
 * p_twopc_request (36 bytes) in the layout without FF_2PC_V2 (this engine never agrees on that
 * feature). {@code word20} is _compat_pad (PREPARE), primary_nodes (COMMIT/ABORT) or user_size
 * (PREP_RSZ); {@code mask}/{@code val} are {@code union drbd_state} words (for PREP_RSZ the upper
 * 16 bits of {@code mask} carry dds_flags).
 */
public record TwopcRequest(int tid, int initiatorNodeId, int targetNodeId, long nodesToReach, long word20,
        int mask, int val) implements Payload {
    public static final int SIZE = 36;

    public static TwopcRequest read(ByteBuf in) {
        return new TwopcRequest(in.readInt(), in.readInt(), in.readInt(), in.readLong(), in.readLong(), in.readInt(),
                in.readInt());
    }

    public long primaryNodes() {
        return word20;
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeInt(tid);
        out.writeInt(initiatorNodeId);
        out.writeInt(targetNodeId);
        out.writeLong(nodesToReach);
        out.writeLong(word20);
        out.writeInt(mask);
        out.writeInt(val);
    }
}
