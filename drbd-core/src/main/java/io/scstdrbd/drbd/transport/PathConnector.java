package io.scstdrbd.drbd.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.Payload;
import io.scstdrbd.drbd.wire.WireConstants;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Establishes the two TCP connections to one peer (drbd.md §2): it listens and connects at the
 * same time, tells the role of each outgoing socket with its first packet, learns the role of
 * each accepted socket from the peer's first packet, resolves crossed first packets by keeping the
 * newest socket of a role (with a random pause so both sides do not collide again), and reports
 * success once one data and one meta socket have stayed up for the socket-check time.
 *
 * <p>Threading: all state lives on {@code loop}; {@link #start} and {@link #stop} must be called
 * there. Socket events hop onto it.
 */
public final class PathConnector {
    private static final Logger LOG = LoggerFactory.getLogger(PathConnector.class);
    /** Frames a socket may deliver before the hand-over; more is a misbehaving peer. */
    static final int MAX_BACKLOG = 256;

    /** What the owner learns. Called on the loop. */
    public interface Listener {
        /**
         * Both sockets are up. The owner takes them (and the backlog frames) over and returns the sink
         * for everything that arrives from now on.
         */
        FrameSink established(EstablishedSockets sockets);

    }

    private final TransportGroup transport;
    private final EventLoop loop;
    private final InetSocketAddress local;
    private final InetSocketAddress peer;
    private final ConnectSettings settings;
    private final Listener owner;
    private final Random random;
    private final String name;

    private final Map<Channel, Sock> socks = new HashMap<>();
    private Sock data;
    private Sock meta;
    private boolean resolveConflicts;
    private boolean connecting;
    private boolean stopped;
    private boolean done;
    private ScheduledFuture<?> retryTimer;
    private ScheduledFuture<?> checkTimer;
    /** Sockets lost before establishment in a row: the retry delay grows with it, up to connect-int. */
    private int failures;
    private FrameSink handedTo;

    private static final class Sock {
        final Channel ch;
        final boolean outgoing;
        SocketRole role;
        final List<Frame> backlog = new ArrayList<>();
        ScheduledFuture<?> firstPacketTimer;

        Sock(Channel ch, boolean outgoing) {
            this.ch = ch;
            this.outgoing = outgoing;
        }
    }

    /**
     * Accepted sockets are not found by the connector itself: the owner keeps a {@link ListenerRegistry}
     * registration for the peer (for as long as it wants to be reachable) and passes each accepted
     * socket to {@link #accept} while the connector runs.
     */
    public PathConnector(TransportGroup transport, EventLoop loop, InetSocketAddress local,
            InetSocketAddress peer, ConnectSettings settings, Listener owner, Random random, String name) {
        this.transport = transport;
        this.loop = loop;
        this.local = local;
        this.peer = peer;
        this.settings = settings;
        this.owner = owner;
        this.random = random;
        this.name = name;
    }

    public void start() {
        assert loop.inEventLoop();
        tryConnect();
    }

    /** Abandons establishment and closes every socket it holds. Idempotent. */
    public void stop() {
        assert loop.inEventLoop();
        if (stopped) {
            return;
        }
        stopped = true;
        cancelTimers();
        for (Sock s : new ArrayList<>(socks.values())) {
            discard(s);
        }
        socks.clear();
        data = null;
        meta = null;
    }

    private void cancelTimers() {
        if (retryTimer != null) {
            retryTimer.cancel(false);
            retryTimer = null;
        }
        if (checkTimer != null) {
            checkTimer.cancel(false);
            checkTimer = null;
        }
    }

    // ---- outgoing

    private void tryConnect() {
        if (stopped || done || connecting || (data != null && meta != null)) {
            return;
        }
        connecting = true;
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, SocketTuning.RECV_ALLOCATOR)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1000, settings.connectIntMs()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        installPipeline(ch);
                    }
                });
        ChannelFuture f = b.connect(peer, new InetSocketAddress(local.getAddress(), 0));
        f.addListener(x -> onLoop(() -> connected(f)));
    }

    private void connected(ChannelFuture f) {
        connecting = false;
        if (!f.isSuccess()) {
            LOG.debug("{}: connect to {} failed: {}", name, peer, f.cause().toString());
            scheduleRetry(jittered(settings.connectIntMs()));
            return;
        }
        Channel ch = f.channel();
        if (stopped || done || (data != null && meta != null)) {
            ch.close();
            return;
        }
        Sock s = new Sock(ch, true);
        socks.put(ch, s);
        SocketRole role;
        if (data == null && meta == null) {
            role = AddressOrder.firstOutgoingRole(local, peer);
        } else {
            role = data == null ? SocketRole.DATA : SocketRole.META;
        }
        if (role == SocketRole.META) {
            resolveConflicts = false;
        }
        assign(s, role);
        new PacketWriter(ch).send(role.firstPacket(), WireConstants.VOLUME_CONNECTION, Payload.EMPTY);
        LOG.debug("{}: outgoing {} socket {} -> {}", name, role, ch.localAddress(), ch.remoteAddress());
        progress(false);
    }

    // ---- incoming

    /** Takes an accepted socket from the peer (any thread; auto-read must still be off). */
    public void accept(SocketChannel ch) {
        installPipeline(ch);
        ch.config().setAutoRead(true);
        onLoop(() -> {
            if (stopped || done) {
                LOG.info("{}: closing a connection from {}: already {}", name, ch.remoteAddress(),
                        done ? "connected" : "stopped");
                ch.close();
                return;
            }
            Sock s = new Sock(ch, false);
            socks.put(ch, s);
            s.firstPacketTimer = loop.schedule(() -> {
                if (s.role == null && socks.containsKey(ch)) {
                    LOG.warn("{}: no initial packet from {} within {} ms, closing it", name, ch.remoteAddress(),
                            settings.firstPacketTimeoutMs());
                    discard(s);
                }
            }, settings.firstPacketTimeoutMs(), TimeUnit.MILLISECONDS);
        });
    }

    private void firstPacket(Sock s, Frame f) {
        f.release();
        if (s.firstPacketTimer != null) {
            s.firstPacketTimer.cancel(false);
        }
        SocketRole role = f.type() == PacketType.INITIAL_DATA ? SocketRole.DATA
                : f.type() == PacketType.INITIAL_META ? SocketRole.META : null;
        if (role == null) {
            LOG.warn("{}: expected an initial packet from {}, got {}; closing it", name, s.ch.remoteAddress(), f.type());
            discard(s);
            return;
        }
        if (role == SocketRole.META) {
            resolveConflicts = true;
        }
        Sock old = role == SocketRole.DATA ? data : meta;
        boolean crossed = old != null;
        if (crossed) {
            LOG.info("{}: initial packet {} crossed; keeping the newer socket", name, role == SocketRole.DATA ? "S" : "M");
            discard(old);
        }
        assign(s, role);
        LOG.debug("{}: accepted {} socket from {}", name, role, s.ch.remoteAddress());
        progress(crossed && random.nextBoolean());
    }

    // ---- common

    private void assign(Sock s, SocketRole role) {
        s.role = role;
        if (role == SocketRole.DATA) {
            data = s;
        } else {
            meta = s;
        }
    }

    /** After a role was filled: connect for the missing role, or check that both sockets stay up. */
    private void progress(boolean waitForPeer) {
        if (data != null && meta != null) {
            if (checkTimer == null) {
                checkTimer = loop.schedule(this::checkEstablished, settings.sockCheckMs(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        if (waitForPeer) {
            scheduleRetry(50 + random.nextInt(250));
        } else {
            tryConnect();
        }
    }

    private void checkEstablished() {
        checkTimer = null;
        if (stopped || done) {
            return;
        }
        if (data == null || meta == null || !data.ch.isActive() || !meta.ch.isActive()) {
            progress(false);
            return;
        }
        done = true;
        cancelTimers();
        for (Sock s : new ArrayList<>(socks.values())) {
            if (s != data && s != meta) {
                discard(s);
            }
        }
        LOG.info("{}: connected to {} (data {} -> {}, meta {} -> {})", name, peer, data.ch.localAddress(),
                data.ch.remoteAddress(), meta.ch.localAddress(), meta.ch.remoteAddress());
        EstablishedSockets es = new EstablishedSockets(data.ch, meta.ch, resolveConflicts,
                List.copyOf(data.backlog), List.copyOf(meta.backlog));
        socks.clear();
        FrameSink next = owner.established(es);
        handedTo = next;
        FrameForwarder.of(es.data()).sink(next);
        FrameForwarder.of(es.meta()).sink(next);
    }

    private void scheduleRetry(long ms) {
        if (stopped || done || retryTimer != null) {
            return;
        }
        retryTimer = loop.schedule(() -> {
            retryTimer = null;
            tryConnect();
        }, ms, TimeUnit.MILLISECONDS);
    }

    /** Retry delay after a socket was lost: quick at first (crossed sockets), then up to connect-int. */
    private long backoff() {
        failures++;
        long base = Math.min(settings.connectIntMs(), 50L << Math.min(failures, 10));
        return base / 2 + random.nextInt((int) Math.max(1, base / 2));
    }

    private long jittered(long ms) {
        long j = ms / 7;
        return Math.max(50, ms + (random.nextBoolean() ? j : -j));
    }

    private void discard(Sock s) {
        socks.remove(s.ch);
        if (data == s) {
            data = null;
        }
        if (meta == s) {
            meta = null;
        }
        if (s.firstPacketTimer != null) {
            s.firstPacketTimer.cancel(false);
        }
        for (Frame f : s.backlog) {
            f.release();
        }
        s.backlog.clear();
        s.ch.close();
    }

    private void installPipeline(Channel ch) {
        ch.pipeline().addLast("decoder", new PacketFrameDecoder());
        ch.pipeline().addLast(FrameForwarder.NAME, new FrameForwarder(sink));
    }

    private final FrameSink sink = new FrameSink() {
        @Override
        public void frame(Channel ch, Frame f) {
            LOG.trace("{}: connector rx {} from {}", name, f, ch.remoteAddress());
            if (loop.isShuttingDown()) {
                f.release();
                return;
            }
            try {
                onLoop(() -> {
                if (handedTo != null) {
                    handedTo.frame(ch, f.touch("connector hands over"));
                    return;
                }
                Sock s = socks.get(ch);
                if (s == null || stopped) {
                    f.touch("connector drops").release();
                    return;
                }
                if (s.role == null) {
                    firstPacket(s, f);
                    return;
                }
                if (s.backlog.size() >= MAX_BACKLOG) {
                    f.release();
                    LOG.warn("{}: {} sent too much before the connection was established; closing it", name,
                            ch.remoteAddress());
                    discard(s);
                    progress(false);
                    return;
                }
                s.backlog.add(f.touch("connector backlog"));
            });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                f.release();
            }
        }

        @Override
        public void closed(Channel ch, Throwable cause) {
            onLoop(() -> {
                if (handedTo != null) {
                    handedTo.closed(ch, cause);
                    return;
                }
                Sock s = socks.get(ch);
                if (s == null || stopped) {
                    return;
                }
                if (cause != null) {
                    LOG.warn("{}: socket {} failed during connect: {}", name, ch.remoteAddress(), cause.toString());
                }
                boolean hadRole = s.role != null;
                discard(s);
                if (hadRole) {
                    if (checkTimer != null) {
                        checkTimer.cancel(false);
                        checkTimer = null;
                    }
                    scheduleRetry(backoff());
                }
            });
        }
    };

    private void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }
}
