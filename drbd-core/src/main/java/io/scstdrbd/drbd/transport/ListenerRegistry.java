package io.scstdrbd.drbd.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening sockets of the replication network: one per local address, shared by every
 * connection that uses it, open while at least one connection waits for its peer. An accepted
 * socket goes to the registration whose peer IP matches the remote address (the source port is
 * ignored); sockets from unknown addresses are closed and logged.
 *
 * <p>Threading: thread-safe. Accepted sockets are registered on the event loop their registration
 * names and handed over there with auto-read off; the receiver installs its handlers and turns
 * reading on.
 */
public final class ListenerRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerRegistry.class);

    private final TransportGroup transport;
    private final Map<InetSocketAddress, Listener> listeners = new HashMap<>();
    /** Listening sockets being closed: a new registration for the address waits for them. */
    private final Map<InetSocketAddress, ChannelFuture> closing = new HashMap<>();

    public ListenerRegistry(TransportGroup transport) {
        this.transport = transport;
    }

    /** A registration; {@link #close()} withdraws it (and the listener when it was the last). */
    public final class Registration implements AutoCloseable {
        private final InetSocketAddress local;
        private final InetAddress peer;
        private boolean closed;

        private Registration(InetSocketAddress local, InetAddress peer) {
            this.local = local;
            this.peer = peer;
        }

        @Override
        public void close() {
            synchronized (ListenerRegistry.this) {
                if (closed) {
                    return;
                }
                closed = true;
                Listener l = listeners.get(local);
                if (l != null) {
                    l.byPeer.remove(peer);
                    if (l.byPeer.isEmpty()) {
                        listeners.remove(local);
                        closing.put(local, l.server.close());
                        LOG.info("stopped listening on {}", fmt(local));
                    }
                }
            }
        }
    }

    /** How long a bind to a busy address is retried. */
    private static final long BIND_RETRY_NANOS = 3_000_000_000L;

    private final class Listener {
        final Channel server;
        final Map<InetAddress, Expected> byPeer = new HashMap<>();

        Listener(Channel server) {
            this.server = server;
        }
    }

    /** Who takes the sockets from one peer, and the event loop they are registered on. */
    private record Expected(EventLoop loop, Consumer<SocketChannel> onAccept) {
    }

    /**
     * Starts accepting connections from {@code peer} on {@code local}; they are registered on
     * {@code loop} and passed to {@code onAccept} there. Blocks while the address is
     * being bound (never call it on an event loop). The lock is not held while waiting for a
     * loop: an event loop that dispatches an accepted socket or withdraws a registration takes it,
     * and the bind itself needs a loop.
     *
     * @throws TransportException if the address cannot be bound or the peer is already registered there
     */
    public Registration register(InetSocketAddress local, InetAddress peer, EventLoop loop,
            Consumer<SocketChannel> onAccept) throws TransportException {
        Expected expected = new Expected(loop, onAccept);
        while (true) {
            ChannelFuture stillClosing;
            synchronized (this) {
                Listener l = listeners.get(local);
                if (l != null) {
                    return add(l, local, peer, expected);
                }
                stillClosing = closing.remove(local);
                if (stillClosing == null && binding.add(local)) {
                    break; // this thread binds
                }
            }
            if (stillClosing != null) {
                stillClosing.awaitUninterruptibly(2000);
            } else {
                sleepBriefly(); // another thread is binding this address
            }
        }
        Listener bound;
        try {
            bound = bind(local);
        } finally {
            synchronized (this) {
                binding.remove(local);
            }
        }
        synchronized (this) {
            listeners.put(local, bound);
            LOG.info("listening on {}", fmt(local));
            return add(bound, local, peer, expected);
        }
    }

    /** Addresses a thread is binding right now (outside the lock). */
    private final java.util.Set<InetSocketAddress> binding = new java.util.HashSet<>();

    private Registration add(Listener l, InetSocketAddress local, InetAddress peer, Expected expected)
            throws TransportException {
        if (l.byPeer.containsKey(peer)) {
            throw new TransportException("a connection from " + peer.getHostAddress() + " on " + fmt(local)
                    + " is already expected by another resource");
        }
        l.byPeer.put(peer, expected);
        return new Registration(local, peer);
    }

    private static void sleepBriefly() throws TransportException {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while another thread binds the address");
        }
    }

    private Listener bind(InetSocketAddress local) throws TransportException {
        ServerBootstrap b = new ServerBootstrap()
                .group(transport.group(), new AcceptedSocketPlacement(transport.group(), remote -> loopFor(local, remote)))
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 16)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, SocketTuning.RECV_ALLOCATOR)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        dispatch(local, ch);
                    }
                });
        // right after a disconnect, sockets accepted on this address may still be closing: then
        // the address is busy for a moment (SO_REUSEADDR covers only TIME_WAIT); try again briefly
        long deadline = System.nanoTime() + BIND_RETRY_NANOS;
        while (true) {
            ChannelFuture f = b.bind(local).awaitUninterruptibly();
            if (f.isSuccess()) {
                return new Listener(f.channel());
            }
            String why = String.valueOf(f.cause().getMessage());
            if (!why.contains("Address already in use") || System.nanoTime() > deadline) {
                throw new TransportException("cannot listen on " + fmt(local) + ": " + why);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException("cannot listen on " + fmt(local) + ": interrupted");
            }
        }
    }

    private void dispatch(InetSocketAddress local, SocketChannel ch) {
        Expected target = expected(local, ch.remoteAddress().getAddress());
        if (target == null) {
            LOG.warn("closing unexpected connection from {} on {}", fmt(ch.remoteAddress()), fmt(local));
            ch.close();
            return;
        }
        if (ch.eventLoop() != target.loop()) {
            // placed while another registration (an earlier connection of this peer, now gone) was in
            // effect: its connection's code must only ever run on its own loop; the peer retries
            LOG.info("closing a connection from {} on {} accepted for an earlier registration", fmt(ch.remoteAddress()),
                    fmt(local));
            ch.close();
            return;
        }
        target.onAccept().accept(ch);
    }

    private EventLoop loopFor(InetSocketAddress local, InetSocketAddress remote) {
        Expected e = expected(local, remote.getAddress());
        return e == null ? null : e.loop();
    }

    private synchronized Expected expected(InetSocketAddress local, InetAddress from) {
        Listener l = listeners.get(local);
        return l == null ? null : l.byPeer.get(from);
    }

    static String fmt(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @Override
    public synchronized void close() {
        for (Listener l : listeners.values()) {
            l.server.close();
        }
        listeners.clear();
    }
}
