package io.scstdrbd.drbd.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a replication socket: passes frames to the current {@link FrameSink}
 * and reports the end of the socket exactly once. The sink can be replaced (the connector hands
 * the socket over to the connection).
 */
public final class FrameForwarder extends ChannelInboundHandlerAdapter {
    public static final String NAME = "frames";

    private volatile FrameSink sink;
    private boolean reported;

    public FrameForwarder(FrameSink sink) {
        this.sink = sink;
    }

    public void sink(FrameSink s) {
        this.sink = s;
    }

    public static FrameForwarder of(Channel ch) {
        return (FrameForwarder) ch.pipeline().get(NAME);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Frame) {
            FrameSink s = sink;
            s.frame(ctx.channel(), ((Frame) msg).touch(s));
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        report(ctx, null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        report(ctx, cause);
        ctx.close();
    }

    private void report(ChannelHandlerContext ctx, Throwable cause) {
        if (!reported) {
            reported = true;
            sink.closed(ctx.channel(), cause);
        }
    }
}
