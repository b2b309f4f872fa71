package io.scstdrbd.drbd.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractEventExecutorGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The child group of a listening socket: registers each accepted socket directly on the event
 * loop of the resource that expects its peer, so a connection's sockets and its state machine
 * share one thread (no hand-over per packet). Sockets nobody expects go to any loop of the
 * transport, where the registry closes them.
 *
 * <p>Threading: {@link #register(Channel)} runs on the listener's loop; {@code loopFor} must be
 * thread-safe. Lifecycle methods delegate to the transport's group, which owns the threads.
 */
final class AcceptedSocketPlacement extends AbstractEventExecutorGroup implements EventLoopGroup {
    private final EventLoopGroup transport;
    private final Function<InetSocketAddress, EventLoop> loopFor;

    /** @param loopFor the loop expecting a remote address, or null when none does */
    AcceptedSocketPlacement(EventLoopGroup transport, Function<InetSocketAddress, EventLoop> loopFor) {
        this.transport = transport;
        this.loopFor = loopFor;
    }

    @Override
    public ChannelFuture register(Channel channel) {
        return loopOf(channel).register(channel);
    }

    @Override
    public ChannelFuture register(ChannelPromise promise) {
        return loopOf(promise.channel()).register(promise);
    }

    @SuppressWarnings("deprecation")
    @Override
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
        return loopOf(channel).register(channel, promise);
    }

    private EventLoop loopOf(Channel channel) {
        EventLoop loop = channel.remoteAddress() instanceof InetSocketAddress remote ? loopFor.apply(remote) : null;
        return loop != null ? loop : transport.next();
    }

    @Override
    public EventLoop next() {
        return transport.next();
    }

    @Override
    public Iterator<EventExecutor> iterator() {
        return transport.iterator();
    }

    @Override
    public boolean isShuttingDown() {
        return transport.isShuttingDown();
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        return transport.shutdownGracefully(quietPeriod, timeout, unit);
    }

    @Override
    public Future<?> terminationFuture() {
        return transport.terminationFuture();
    }

    @SuppressWarnings("deprecation")
    @Override
    public void shutdown() {
        transport.shutdown();
    }

    @Override
    public boolean isShutdown() {
        return transport.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return transport.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return transport.awaitTermination(timeout, unit);
    }
}
