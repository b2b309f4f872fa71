package io.scstdrbd.iscsi.target;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.scstdrbd.iscsi.conn.IscsiConnection;
import io.scstdrbd.iscsi.conn.PortalContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening portal: a Netty server on a bounded event loop group (native epoll when
 * available, NIO otherwise); one {@link IscsiConnection} per accepted socket, no thread per
 * session.
 */
public final class IscsiPortal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IscsiPortal.class);

    private final PortalContext context;
    private final InetSocketAddress listen;
    private final int threads;
    private final Set<IscsiConnection> connections = ConcurrentHashMap.newKeySet();
    private EventLoopGroup group;
    private Channel server;
    private String transport;

    public IscsiPortal(PortalContext context, InetSocketAddress listen, int threads) {
        this.context = context;
        this.listen = listen;
        this.threads = threads;
    }

    /** Binds the portal; throws when the address cannot be bound. */
    public void start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        transport = epoll ? "epoll" : "nio";
        if (!epoll) {
            LOG.info("native epoll unavailable ({}), using NIO", Epoll.unavailabilityCause().toString());
        }
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("iscsi-io", true), io);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 16384, 1 << 18))
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(16 << 20, 32 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        IscsiConnection c = new IscsiConnection(context);
                        connections.add(c);
                        ch.closeFuture().addListener(f -> connections.remove(c));
                        ch.pipeline().addLast("pdu-decoder", c.newDecoder());
                        ch.pipeline().addLast("iscsi", c);
                    }
                });
        try {
            server = b.bind(listen).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    public String transport() {
        return transport;
    }

    /** Stops accepting connections; existing ones go on. */
    public void stopAccepting() {
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    public List<IscsiConnection> connections() {
        return new ArrayList<>(connections);
    }

    /** Closes every connection and stops the event loops. */
    @Override
    public void close() {
        stopAccepting();
        for (IscsiConnection c : connections()) {
            c.terminate("the iSCSI target is stopping");
        }
        if (group != null) {
            group.shutdownGracefully(100, 5000, TimeUnit.MILLISECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            try {
                // Netty notifies the group's termination on its global executor thread; let it end
                GlobalEventExecutor.INSTANCE.awaitInactivity(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
