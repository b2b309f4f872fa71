package io.scstdrbd.drbd.transport;

import io.netty.channel.Channel;

/**
 * Receives what comes off a replication socket.
 *
 * <p>Threading: called on the channel's event loop; implementations hop to their own executor.
 * Ownership: {@link #frame} hands over the frame; the sink must release it.
 */
public interface FrameSink {
    void frame(Channel ch, Frame f);

    /** The socket closed or failed ({@code cause} null for an orderly close). Called once. */
    void closed(Channel ch, Throwable cause);
}
