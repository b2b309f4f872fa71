package io.scstdrbd.drbd.engine;

import io.scstdrbd.backend.control.BackendManager;
import io.scstdrbd.backend.spi.BackendSpec;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.sync.resync.ResyncSettings;
import io.scstdrbd.drbd.transport.ListenerRegistry;
import io.scstdrbd.drbd.transport.TransportGroup;
import io.scstdrbd.kernel.Kernel;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BlockIo;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.OpenMode;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** One in-process node for engine tests: a kernel with a ram:@ backend, a resource engine, one volume. */
final class TestNode implements AutoCloseable {
    final String name;
    final int nodeId;
    final Kernel kernel;
    final BackendManager backends;
    final DeviceHandle backing;
    final MemoryVolume volume;
    ListenerRegistry listeners;
    ResourceEngine engine;
    VolumeEngine vol;
    TransportGroup transport;
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> handlers = new CopyOnWriteArrayList<>();
    /** Called on the engine's loop at each replication state change (a test's hook into a window). */
    volatile java.util.function.Consumer<ReplState> onRepl = s -> { };
    /** What a handler exits with (called on the engine's loop): 0 at once unless a test says otherwise. */
    volatile java.util.function.Function<String, CompletableFuture<Integer>> handlerExit =
            h -> CompletableFuture.completedFuture(0);

    TestNode(String name, int nodeId, TransportGroup tg, long bytes) throws Exception {
        this.name = name;
        this.nodeId = nodeId;
        kernel = new Kernel("/tmp/repl-h/none-" + name);
        backends = new BackendManager(kernel, BackendManager.installedHandlers(), null);
        backends.init();
        backends.add(BackendSpec.parse("back" + name + ":ram:@:" + bytes));
        backing = kernel.devices().open("back" + name, OpenMode.READ_WRITE, "drbd-test");
        volume = new MemoryVolume(backing);
        start(tg);
    }

    /** (Re)creates the engine over the same disk and metadata: a process start. */
    void start(TransportGroup tg) {
        transport = tg;
        listeners = new ListenerRegistry(tg);
        EngineObserver obs = new EngineObserver() {
            @Override
            public void connectionStateChanged(int peer, ConnState s) {
                events.add("conn " + s.displayName());
            }

            @Override
            public void replicationStateChanged(int peer, int v, ReplState s) {
                events.add("repl " + s.displayName());
                onRepl.accept(s);
            }
        };
        engine = new ResourceEngine("r0", nodeId, tg, listeners, obs, (h, p, v) -> {
            handlers.add(h);
            return handlerExit.apply(h);
        });
        vol = engine.addVolume(volume);
    }

    /**
     * kill -9 as the network sees it: every socket of this node closes at once, nothing is said to
     * the peer, and the engine is gone; disk contents and metadata stay.
     */
    void crash() {
        listeners.close();
        transport.close();
        if (engine.role() == io.scstdrbd.drbd.state.Role.PRIMARY) {
            volume.setCrashedPrimary(true);
        }
    }

    PeerConnection addPeer(int peerId, InetSocketAddress local, InetSocketAddress remote, NetConfig net) {
        return engine.addPeer(peerId, local, remote, net, new ResyncSettings(102400, 0, 10, 100, 102400, 0));
    }

    PeerConnection peer() {
        return engine.peers().iterator().next();
    }

    PeerDevice pd() {
        return peer().device(0);
    }

    DiskState disk() {
        return volume.diskState();
    }

    /** Writes through the replicated volume (as the drbd device would) and waits. */
    void write(long sector, byte[] data) throws Exception {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        vol.submit(Bio.write(sector, ByteBuffer.wrap(data), 0, (b, e) -> f.complete(e)));
        int e = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        if (e != 0) {
            throw new IllegalStateException("write failed: errno " + e);
        }
    }

    byte[] readVolume(long sector, int size) throws Exception {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        ByteBuffer b = ByteBuffer.allocate(size);
        vol.submit(Bio.read(sector, b, (bio, e) -> f.complete(e)));
        int e = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        if (e != 0) {
            throw new IllegalStateException("read failed: errno " + e);
        }
        return b.array();
    }

    /** md5 of the whole backing device (what a checksum of the replica compares). */
    String md5() throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        long cap = backing.device().capacity();
        ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
        for (long off = 0; off < cap; off += b.capacity()) {
            b.clear();
            b.limit((int) Math.min(b.capacity(), cap - off));
            BlockIo.readFully(backing, off, b); // fills [position, limit) without moving them
            md.update(b);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static void await(String what, long millis, BooleanSupplier cond) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() throws Exception {
        if (!transport.group().isShuttingDown()) {
            engine.shutdown().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        listeners.close();
        backing.close();
        backends.exit();
        kernel.close();
    }
}
