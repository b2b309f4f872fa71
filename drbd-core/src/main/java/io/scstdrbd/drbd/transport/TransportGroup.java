package io.scstdrbd.drbd.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loops of the replication network: native epoll when available, NIO otherwise.
 * One instance per daemon, shared by all resources; closing it closes every channel.
 */
public final class TransportGroup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransportGroup.class);

    private final EventLoopGroup group;
    private final boolean epoll;

    /** @param threads event loop threads (0 = Netty's default, twice the cores) */
    public TransportGroup(int threads, boolean allowEpoll) {
        this.epoll = allowEpoll && Epoll.isAvailable();
        DefaultThreadFactory tf = new DefaultThreadFactory("drbd-net", true);
        this.group = new MultiThreadIoEventLoopGroup(threads, tf,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        LOG.info("replication transport uses {} with {} threads", epoll ? "native epoll" : "NIO",
                threads == 0 ? "default" : threads);
    }

    public boolean isEpoll() {
        return epoll;
    }

    public EventLoopGroup group() {
        return group;
    }

    /** An event loop for a new connection's state machine. */
    public EventLoop nextLoop() {
        return group.next();
    }

    public Class<? extends SocketChannel> socketChannelClass() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public Class<? extends ServerSocketChannel> serverChannelClass() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
