package io.scstdrbd.drbd.transport;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import io.scstdrbd.drbd.wire.PacketType;

/**
 * One framed packet as it came off a socket: its type, volume and exactly its payload bytes.
 * The receiver owns {@code payload} and must release it once.
 *
 * <p>Reference counted through its payload so that Netty itself frees a frame that never reaches
 * a handler (one the pipeline passes to its tail while the socket's handlers are being added or
 * removed) and its leak detector records where frames went.
 */
public record Frame(PacketType type, int volume, ByteBuf payload) implements ReferenceCounted {
    @Override
    public int refCnt() {
        return payload.refCnt();
    }

    @Override
    public Frame retain() {
        payload.retain();
        return this;
    }

    @Override
    public Frame retain(int increment) {
        payload.retain(increment);
        return this;
    }

    @Override
    public Frame touch() {
        payload.touch();
        return this;
    }

    /** Records where the frame went for Netty's leak detector (a no-op unless it tracks this buffer). */
    @Override
    public Frame touch(Object where) {
        payload.touch(where);
        return this;
    }

    @Override
    public boolean release() {
        return payload.release();
    }

    @Override
    public boolean release(int decrement) {
        return payload.release(decrement);
    }

    @Override
    public String toString() {
        return type + "/" + volume + " (" + payload.readableBytes() + " bytes)";
    }
}
