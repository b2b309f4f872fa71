package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_uuid (8 bytes): P_SYNC_UUID, the sync source's new bitmap UUID (8.4 dialect). */
public record SyncUuid(long uuid) implements Payload {
    public static final int SIZE = 8;

    public static SyncUuid read(ByteBuf in) {
        return new SyncUuid(in.readLong());
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(uuid);
    }
}
