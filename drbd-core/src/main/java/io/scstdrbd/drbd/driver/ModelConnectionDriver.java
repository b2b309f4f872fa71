package io.scstdrbd.drbd.driver;

import io.scstdrbd.drbd.engine.NetConfig;
import io.scstdrbd.drbd.engine.PeerConnection;
import io.scstdrbd.drbd.engine.PeerDevice;
import io.scstdrbd.drbd.engine.ResourceEngine;
import io.scstdrbd.drbd.model.Connection;
import io.scstdrbd.drbd.model.ConnectionControl;
import io.scstdrbd.drbd.model.ConnectionDriver;
import io.scstdrbd.drbd.model.Device;
import io.scstdrbd.drbd.model.Path;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.stats.PeerDeviceStatistics;
import io.scstdrbd.drbd.sync.resync.ResyncSettings;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BioCallback;
import io.scstdrbd.kernel.block.BioOp;
import io.scstdrbd.kernel.errno.Errno;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication engine behind one model connection: connect/disconnect from drbdsetup drive
 * its {@link PeerConnection}, local state changes are announced to the peer, and application
 * writes of the drbdN device are replicated. Threading as {@link ConnectionDriver} requires:
 * nothing here blocks the caller except {@link #disconnect}, which waits for the sockets.
 */
final class ModelConnectionDriver implements ConnectionDriver {
    private static final Logger LOG = LoggerFactory.getLogger(ModelConnectionDriver.class);
    /** Zeroes sent for WRITE_ZEROES / DISCARD (no trim feature is agreed with peers). */
    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

    private final ResourceBinding binding;
    private final Connection conn;
    private final ConnectionControl control;
    private final int maxProtocol;
    private final java.util.function.IntSupplier protocolMin;
    private final Runnable onClose;
    private volatile PeerConnection pc;

    ModelConnectionDriver(ResourceBinding binding, Connection conn, ConnectionControl control, int maxProtocol,
            java.util.function.IntSupplier protocolMin, Runnable onClose) {
        this.binding = binding;
        this.conn = conn;
        this.control = control;
        this.maxProtocol = maxProtocol;
        this.protocolMin = protocolMin;
        this.onClose = onClose;
    }

    int peerNodeId() {
        return conn.peerNodeId();
    }

    ConnectionControl control() {
        return control;
    }

    private NetConfig net() {
        NetConfig n = NetOptions.net(conn.name(), conn.netConf(), maxProtocol);
        // quorum, like fencing, has a graceful disconnect outdate the Secondary
        return conn.resource().quorumEnabled() ? n.withFencing(true) : n;
    }

    private ResyncSettings resync() {
        var pds = conn.peerDevices();
        return NetOptions.resync(pds.isEmpty() ? null : pds.get(0).conf());
    }

    @Override
    public void connect() {
        List<Path> paths = control.paths();
        if (paths.isEmpty()) {
            LOG.error("{}: connect without a path", conn);
            return;
        }
        binding.syncVolumes();
        ResourceEngine engine = binding.engine();
        InetSocketAddress local = paths.get(0).myAddress();
        InetSocketAddress peer = paths.get(0).peerAddress();
        PeerConnection c = pc;
        if (c == null || !c.localAddress().equals(local) || !c.peerAddress().equals(peer)) {
            if (c != null) {
                engine.removePeer(conn.peerNodeId()).join();
            }
            c = engine.addPeer(conn.peerNodeId(), local, peer, net(), resync());
            pc = c;
        } else {
            c.setNet(net());
            c.setResyncSettings(resync());
        }
        c.setProtocolMin(protocolMin.getAsInt());
        for (io.scstdrbd.drbd.model.PeerDevice mpd : conn.peerDevices()) {
            c.setResyncPausedByUser(mpd.device().volume(), mpd.resyncSuspUser()); // pause-sync given while not connected
        }
        engine.connect(conn.peerNodeId(), conn.discardMyData()).whenComplete((r, e) -> {
            if (e != null) {
                LOG.error("{}: cannot connect: {}", conn, e.getCause() != null ? e.getCause().getMessage() : e.toString());
            } else if (!r.isSuccess()) {
                LOG.error("{}: connect refused: {}", conn, r.description());
            }
        });
    }

    @Override
    public java.util.concurrent.CompletableFuture<Long> resize(Device device, long userSectors,
            boolean assumePeerHasSpace, boolean noResync, boolean unconnectedPeersHadNoDisk) {
        return binding.engine().resize(device.volume(), userSectors, assumePeerHasSpace, noResync,
                unconnectedPeersHadNoDisk).thenApply(o -> o.resyncRunning() ? -1L : o.sectors());
    }

    @Override
    public java.util.concurrent.CompletableFuture<StateResult> startVerify(
            io.scstdrbd.drbd.model.PeerDevice peerDevice) {
        PeerConnection c = pc;
        if (c == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(
                    StateResult.NEED_CONNECTION);
        }
        return c.startVerify(peerDevice.device().volume());
    }

    @Override
    public java.util.concurrent.CompletableFuture<StateResult> startResync(
            io.scstdrbd.drbd.model.PeerDevice peerDevice, boolean asTarget, boolean full) {
        PeerConnection c = pc;
        if (c == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(
                    StateResult.NEED_CONNECTION);
        }
        return c.startResync(peerDevice.device().volume(), asTarget, full);
    }

    @Override
    public int agreedProtocol() {
        PeerConnection c = pc;
        return c == null || !c.isConnected() ? 0 : c.agreedVersion();
    }

    @Override
    public void resyncPausedByUser(io.scstdrbd.drbd.model.PeerDevice peerDevice, boolean paused) {
        PeerConnection c = pc;
        if (c != null) {
            c.setResyncPausedByUser(peerDevice.device().volume(), paused);
        }
    }

    @Override
    public void forceResync(Device device) {
        PeerConnection c = pc;
        if (c != null) {
            c.forceResync(device.volume());
        }
    }

    @Override
    public void skipInitialSync(Device device) {
        PeerConnection c = pc;
        if (c != null) {
            c.skipInitialSync(device.volume());
        }
    }

    @Override
    public void disconnect(boolean force) {
        PeerConnection c = pc;
        if (c == null) {
            return;
        }
        try {
            binding.engine().disconnect(conn.peerNodeId(), force).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("{}: disconnect: {}", conn, e.toString());
        }
    }

    @Override
    public boolean isConnected() {
        PeerConnection c = pc;
        return c != null && c.isConnected();
    }

    @Override
    public boolean carries(io.scstdrbd.drbd.model.PeerDevice mpd) {
        PeerConnection c = pc;
        return c != null && c.isConnected() && c.device(mpd.device().volume()) != null;
    }

    @Override
    public void configChanged() {
        PeerConnection c = pc;
        if (c != null) {
            c.setNet(net());
            c.setResyncSettings(resync());
        }
    }

    @Override
    public void localStateChanged(Device device) {
        PeerConnection c = pc;
        if (c != null) {
            c.localStateChanged(device.volume());
        }
    }

    @Override
    public void replicate(io.scstdrbd.drbd.model.PeerDevice mpd, Bio bio, BioCallback done) {
        PeerConnection c = pc;
        PeerDevice pd = c == null ? null : c.device(mpd.device().volume());
        if (pd == null) {
            control.markOutOfSync(mpd.device().volume(), bio.sector(), bio.size());
            done.done(bio, 0);
            return;
        }
        switch (bio.op()) {
            case FLUSH:
                c.flush(() -> done.done(bio, 0));
                return;
            case WRITE:
                c.replicate(pd, bio, ok -> done.done(bio, ok ? 0 : Errno.EIO));
                return;
            default:
                replicateZeroes(c, pd, bio, null, done);
        }
    }

    /** A write-zeroes or discard, sent in pieces, is ordered once every piece is. */
    @Override
    public void replicateOrdered(io.scstdrbd.drbd.model.PeerDevice mpd, Bio bio, Runnable whenOrdered,
            BioCallback done) {
        PeerConnection c = pc;
        PeerDevice pd = c == null ? null : c.device(mpd.device().volume());
        if (pd == null || bio.op() == BioOp.FLUSH) {
            whenOrdered.run();
            replicate(mpd, bio, done);
            return;
        }
        if (bio.op() == BioOp.WRITE) {
            c.replicateOrdered(pd, bio, whenOrdered, ok -> done.done(bio, ok ? 0 : Errno.EIO));
        } else {
            replicateZeroes(c, pd, bio, whenOrdered, done);
        }
    }

    @Override
    public long apInFlightSectors() {
        PeerConnection c = pc;
        return c == null ? 0 : c.apInFlightSectors();
    }

    @Override
    public long rsInFlightSectors() {
        PeerConnection c = pc;
        return c == null ? 0 : c.rsInFlightSectors();
    }

    @Override
    public PeerDeviceStatistics statistics(io.scstdrbd.drbd.model.PeerDevice mpd) {
        PeerConnection c = pc;
        PeerDevice pd = c == null ? null : c.device(mpd.device().volume());
        return pd == null ? PeerDeviceStatistics.NONE : pd.statistics();
    }

    @Override
    public void read(io.scstdrbd.drbd.model.PeerDevice mpd, Bio bio) {
        PeerConnection c = pc;
        PeerDevice pd = c == null ? null : c.device(mpd.device().volume());
        if (pd == null) {
            bio.complete(Errno.EIO);
            return;
        }
        c.readFromPeer(pd, bio);
    }

    /**
     * WRITE_ZEROES and DISCARD travel as writes of zeroes, in 1 MiB pieces. {@code whenOrdered} null: unordered (the caller issues its local part itself); otherwise it runs
     * once every piece holds its range (see {@link PeerConnection#replicateOrdered}).
     */
    private static void replicateZeroes(PeerConnection c, PeerDevice pd, Bio bio, Runnable whenOrdered,
            BioCallback done) {
        long left = bio.size();
        if (left == 0) {
            if (whenOrdered != null) {
                whenOrdered.run();
            }
            done.done(bio, 0);
            return;
        }
        int pieces = (int) ((left + ZEROES.capacity() - 1) / ZEROES.capacity());
        AtomicInteger pending = new AtomicInteger(pieces);
        AtomicInteger unadmitted = new AtomicInteger(pieces);
        AtomicInteger failed = new AtomicInteger();
        Runnable pieceAdmitted = whenOrdered == null ? null : () -> {
            if (unadmitted.decrementAndGet() == 0) {
                whenOrdered.run();
            }
        };
        long sector = bio.sector();
        while (left > 0) {
            int n = (int) Math.min(ZEROES.capacity(), left);
            ByteBuffer z = ZEROES.duplicate();
            z.limit(n);
            Bio piece = Bio.write(sector, z, bio.flags(), (b, e) -> { });
            java.util.function.Consumer<Boolean> pieceDone = ok -> {
                if (!ok) {
                    failed.incrementAndGet();
                }
                if (pending.decrementAndGet() == 0) {
                    done.done(bio, failed.get() == 0 ? 0 : Errno.EIO);
                }
            };
            if (pieceAdmitted == null) {
                c.replicate(pd, piece, pieceDone);
            } else {
                c.replicateOrdered(pd, piece, pieceAdmitted, pieceDone);
            }
            c.localWriteDone(piece); // the local part is the drbdN device's own zeroing/discard
            sector += n >>> Bio.SECTOR_SHIFT;
            left -= n;
        }
    }

    @Override
    public void localWriteDone(io.scstdrbd.drbd.model.PeerDevice mpd, Bio bio, int errno) {
        PeerConnection c = pc;
        if (c != null && (bio.op() == BioOp.WRITE)) {
            c.localWriteDone(bio);
        }
    }

    @Override
    public void close() {
        disconnect(true);
        binding.engine().removePeer(conn.peerNodeId());
        binding.remove(this);
        onClose.run();
    }
}
