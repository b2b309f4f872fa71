package io.scstdrbd.drbd.transport;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/** Socket settings shared by the accepted and the connected sockets of replication paths. */
final class SocketTuning {
    /**
     * Reads grow up to 1 MiB (the largest data packet): a packet that arrives whole is sliced out
     * of the read buffer instead of being copied together from 64 KiB reads.
     */
    static final RecvByteBufAllocator RECV_ALLOCATOR = new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 1 << 20);

    private SocketTuning() {
    }
}
