package io.scstdrbd.kernel.genl;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.workqueue.NamedThreadFactory;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generic-netlink transport drbd-utils reach through the LD_PRELOAD shim: a Unix stream
 * socket (mode 0600, so only root may configure) on which netlink messages travel back to back,
 * each delimited by its {@code nlmsg_len}.
 *
 * <p>Per connection one reader thread reads messages and hands each to the bus as soon as it is
 * complete, so every pending request is processed without waiting for another to arrive; one
 * writer thread writes replies and events in order, one message per write. A declared length
 * below the header size or above {@link #MAX_MESSAGE} loses the framing: the request gets an
 * NLMSG_ERROR, the connection is closed and the event logged; the daemon carries on. Events for a
 * client that has more than {@link #MAX_QUEUED} bytes waiting are dropped for that client.
 */
public final class GenlUnixServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GenlUnixServer.class);
    /** Largest request accepted (DRBD requests are a few hundred bytes). */
    public static final int MAX_MESSAGE = 256 * 1024;
    /** Bytes that may wait for a slow client before events are dropped / replies wait. */
    static final long MAX_QUEUED = 16L * 1024 * 1024;

    private final GenlBus bus;
    private final Path path;
    private final NamedThreadFactory threads = new NamedThreadFactory("genl", true);
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closed;

    public GenlUnixServer(GenlBus bus, Path path) {
        this.bus = bus;
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /**
     * Binds the socket. A socket file left by a dead daemon is replaced; one that still answers
     * means another daemon serves this root: EADDRINUSE.
     */
    public synchronized void start() throws KernelException {
        try {
            Path dir = path.getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            if (Files.exists(path)) {
                if (alive(path)) {
                    throw new KernelException(Errno.EADDRINUSE, "another daemon is serving " + path);
                }
                Files.delete(path);
            }
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, "cannot create netlink socket " + path + ": " + e.getMessage(), e);
        }
        acceptor = threads.newThread(this::acceptLoop);
        acceptor.setName("genl-accept");
        acceptor.start();
        LOG.info("generic netlink listening on {}", path);
    }

    private static boolean alive(Path p) {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(p));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("netlink accept failed: {}", e.getMessage());
                }
                continue;
            }
            Connection c = new Connection(ch, nextId.getAndIncrement());
            connections.add(c);
            c.start();
        }
    }

    /** Number of open client connections (for tests and status). */
    public int connectionCount() {
        return connections.size();
    }

    /** Closes the socket and every connection and removes the socket file. */
    @Override
    public synchronized void close() {
        closed = true;
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Connection c : connections) {
            c.close();
        }
        try {
            if (acceptor != null) {
                acceptor.join(2000);
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", path, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One drbdsetup socket. */
    private final class Connection implements GenlClient {
        private final SocketChannel ch;
        private final int id;
        private final boolean privileged;
        private final String user;
        private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        /** Bytes delivered and not yet written: a message leaves the queue before it is written. */
        private long queued;
        private long dropped;
        private volatile int lastPid;
        private boolean shut;

        Connection(SocketChannel ch, int id) {
            this.ch = ch;
            this.id = id;
            String u = "?";
            try {
                UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
                u = p.user().getName();
            } catch (IOException | UnsupportedOperationException e) {
                LOG.warn("genl#{}: peer credentials unavailable: {}", id, e.getMessage());
            }
            this.user = u;
            this.privileged = u.equals("root") || u.equals(System.getProperty("user.name"));
        }

        void start() {
            Thread r = threads.newThread(this::readLoop);
            r.setName("genl-rd-" + id);
            Thread w = threads.newThread(this::writeLoop);
            w.setName("genl-wr-" + id);
            r.start();
            w.start();
        }

        @Override
        public boolean privileged() {
            return privileged;
        }

        @Override
        public String describe() {
            return "genl#" + id + " (" + user + (lastPid != 0 ? ", pid " + lastPid : "") + ")";
        }

        @Override
        public boolean deliver(ByteBuffer message, boolean multicast) {
            int n = message.remaining();
            synchronized (queue) {
                if (shut) {
                    return false;
                }
                if (multicast && queued + n > MAX_QUEUED) {
                    if (dropped++ == 0) {
                        LOG.warn("{} does not read its events; dropping them", describe());
                    }
                    return false;
                }
                while (!multicast && queued > MAX_QUEUED && !shut) {
                    try {
                        queue.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                queue.add(message);
                queued += n;
                queue.notifyAll();
            }
            return true;
        }

        private void readLoop() {
            ByteBuffer hdr = ByteBuffer.allocate(NetlinkHeader.SIZE).order(NetlinkHeader.ORDER);
            try {
                while (true) {
                    hdr.clear();
                    if (!readFully(hdr)) {
                        break;
                    }
                    NetlinkHeader h = NetlinkHeader.read(hdr, 0);
                    lastPid = h.portId() != 0 ? h.portId() : lastPid;
                    if (h.length() < NetlinkHeader.SIZE || h.length() > MAX_MESSAGE) {
                        int err = h.length() < NetlinkHeader.SIZE ? Errno.EINVAL : Errno.EMSGSIZE;
                        LOG.warn("{}: netlink message declares length {} (allowed {}..{}); closing the connection",
                                describe(), h.length(), NetlinkHeader.SIZE, MAX_MESSAGE);
                        hdr.flip();
                        deliver(GenlBus.errorMessage(h, hdr, -err), false);
                        lostFraming();
                        break;
                    }
                    ByteBuffer msg = ByteBuffer.allocate(h.length()).order(NetlinkHeader.ORDER);
                    hdr.flip();
                    msg.put(hdr);
                    if (!readFully(msg)) {
                        LOG.warn("{}: connection closed in the middle of a message", describe());
                        break;
                    }
                    msg.flip();
                    bus.receive(this, msg);
                }
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("{}: read failed: {}", describe(), e.getMessage());
                }
            }
            finishAfterDrain();
        }

        /**
         * After a message whose length cannot be trusted: let the error reply out, end our side
         * (the client reads EOF after it), and swallow what the client still sends for a moment,
         * so that closing does not reset the connection before the client has read the reply.
         */
        private void lostFraming() {
            long deadline = System.currentTimeMillis() + 2000;
            synchronized (queue) {
                while (queued > 0 && System.currentTimeMillis() < deadline) {
                    try {
                        queue.wait(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            try {
                ch.shutdownOutput();
                ByteBuffer sink = ByteBuffer.allocate(4096);
                long swallowed = 0;
                while (swallowed < MAX_MESSAGE && System.currentTimeMillis() < deadline) {
                    sink.clear();
                    int n = ch.read(sink);
                    if (n < 0) {
                        break;
                    }
                    swallowed += n;
                }
            } catch (IOException e) {
                LOG.debug("{}: while discarding input: {}", describe(), e.getMessage());
            }
        }

        private boolean readFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) {
                    return false;
                }
            }
            return true;
        }

        private void writeLoop() {
            try {
                while (true) {
                    ByteBuffer m;
                    synchronized (queue) {
                        while (queue.isEmpty() && !shut) {
                            queue.wait();
                        }
                        if (queue.isEmpty()) {
                            return;
                        }
                        m = queue.poll();
                    }
                    int n = m.remaining();
                    while (m.hasRemaining()) {
                        ch.write(m);
                    }
                    synchronized (queue) {
                        queued -= n;
                        queue.notifyAll();
                    }
                }
            } catch (IOException e) {
                LOG.debug("{}: write failed: {}", describe(), e.getMessage());
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The peer closed (or broke) its end: write what is queued, then close. */
        private void finishAfterDrain() {
            bus.disconnected(this);
            synchronized (queue) {
                shut = true;
                queue.notifyAll();
            }
            // the writer exits once the queue is empty; give it a moment, then close
            long deadline = System.currentTimeMillis() + 2000;
            synchronized (queue) {
                while (queued > 0 && System.currentTimeMillis() < deadline) {
                    try {
                        queue.wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            close();
        }

        void close() {
            synchronized (queue) {
                shut = true;
                queue.clear();
                queued = 0;
                queue.notifyAll();
            }
            bus.disconnected(this);
            connections.remove(this);
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }
}
