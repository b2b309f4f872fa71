package io.scstdrbd.drbd.engine;

import io.netty.channel.EventLoop;
import io.scstdrbd.drbd.size.DeviceSizeRule;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.sync.resync.ResyncSettings;
import io.scstdrbd.drbd.transport.ListenerRegistry;
import io.scstdrbd.drbd.transport.TransportException;
import io.scstdrbd.drbd.transport.TransportGroup;
import io.scstdrbd.drbd.wire.WireConstants;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication side of one DRBD resource on this node: its role, its volumes and its
 * connections to peers. All state lives on one event loop ({@link #loop()}); the management
 * methods may be called from any thread and return futures.
 */
public final class ResourceEngine {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceEngine.class);

    private final String name;
    private final int nodeId;
    private final EventLoop loop;
    private final TransportGroup transport;
    private final ListenerRegistry listeners;
    private final EngineObserver observer;
    private final HandlerRunner handlers;
    private final SecureRandom random = new SecureRandom();
    private final Map<Integer, VolumeEngine> volumes = new ConcurrentHashMap<>();
    private final Map<Integer, PeerConnection> peers = new ConcurrentHashMap<>();
    private volatile Role role = Role.SECONDARY;
    private volatile java.util.function.Supplier<Role> externalRole;
    private volatile boolean externalGenerations;
    private volatile WriteOrdering writeOrdering = WriteOrdering.FLUSH;
    private long dagtag;

    public ResourceEngine(String name, int nodeId, TransportGroup transport, ListenerRegistry listeners,
            EngineObserver observer, HandlerRunner handlers) {
        this.name = name;
        this.nodeId = nodeId;
        this.transport = transport;
        this.listeners = listeners;
        this.loop = transport.nextLoop();
        this.observer = observer == null ? EngineObserver.NONE : observer;
        this.handlers = handlers == null ? HandlerRunner.NONE : handlers;
    }

    public String name() {
        return name;
    }

    public int nodeId() {
        return nodeId;
    }

    public EventLoop loop() {
        return loop;
    }

    TransportGroup transport() {
        return transport;
    }

    ListenerRegistry listeners() {
        return listeners;
    }

    EngineObserver observer() {
        return observer;
    }

    HandlerRunner handlers() {
        return handlers;
    }

    SecureRandom random() {
        return random;
    }

    public Role role() {
        java.util.function.Supplier<Role> r = externalRole;
        return r != null ? r.get() : role;
    }

    /**
     * The role is owned elsewhere (the daemon's DRBD model): this engine then only reads it and
     * {@link #primary}/{@link #secondary} are not used.
     */
    public void useExternalRole(java.util.function.Supplier<Role> source) {
        this.externalRole = source;
        this.externalGenerations = true;
    }

    /** True when the owner of the role also starts new data generations (on promotion, on losing a peer). */
    boolean externalGenerations() {
        return externalGenerations;
    }

    public WriteOrdering writeOrdering() {
        return writeOrdering;
    }

    public void setWriteOrdering(WriteOrdering w) {
        this.writeOrdering = w;
    }

    /** The resource-wide dagtag: sectors written by this node so far (DRBD 9 dialect). */
    long advanceDagtag(long sectors) {
        dagtag += sectors;
        return dagtag;
    }

    // ------------------------------------------------------------------ volumes and peers

    /** Adds a volume; its peer devices are created for every existing connection. */
    public VolumeEngine addVolume(LocalVolume local) {
        return call(() -> {
            VolumeEngine v = new VolumeEngine(this, local);
            volumes.put(local.volume(), v);
            for (PeerConnection c : peers.values()) {
                c.addDevice(v);
            }
            return v;
        });
    }

    public VolumeEngine volume(int vnr) {
        return volumes.get(vnr);
    }

    public Collection<VolumeEngine> volumes() {
        return new TreeMap<>(volumes).values();
    }

    /** Removes a volume (detach / del-minor); its peer devices go away. */
    public void removeVolume(int vnr) {
        run(() -> {
            VolumeEngine v = volumes.remove(vnr);
            if (v != null) {
                for (PeerConnection c : peers.values()) {
                    c.removeDevice(vnr);
                }
            }
        });
    }

    /** Adds a connection to a peer (new-peer + new-path); it stays StandAlone until {@link #connect}. */
    public PeerConnection addPeer(int peerNodeId, InetSocketAddress local, InetSocketAddress peer, NetConfig net,
            ResyncSettings resync) {
        return call(() -> {
            PeerConnection c = new PeerConnection(this, peerNodeId, local, peer, net, resync);
            peers.put(peerNodeId, c);
            for (VolumeEngine v : volumes.values()) {
                c.addDevice(v);
            }
            return c;
        });
    }

    public PeerConnection peer(int peerNodeId) {
        return peers.get(peerNodeId);
    }

    public Collection<PeerConnection> peers() {
        return new TreeMap<>(peers).values();
    }

    /** Removes a StandAlone connection (del-peer). */
    public CompletableFuture<StateResult> removePeer(int peerNodeId) {
        PeerConnection c = peers.get(peerNodeId);
        if (c == null) {
            return CompletableFuture.completedFuture(StateResult.SUCCESS);
        }
        return c.disconnect(true).thenApply(r -> {
            peers.remove(peerNodeId);
            c.releaseListener();
            return StateResult.SUCCESS;
        });
    }

    // ------------------------------------------------------------------ connections

    /**
     * Starts connecting to a peer. The listening socket is bound here (on the caller's thread);
     * a failure to bind is returned as an exception.
     */
    public CompletableFuture<StateResult> connect(int peerNodeId, boolean discardMyData) {
        PeerConnection c = peers.get(peerNodeId);
        if (c == null) {
            return CompletableFuture.completedFuture(StateResult.NO_NET_CONFIG);
        }
        try {
            c.ensureListening();
        } catch (TransportException e) {
            return CompletableFuture.failedFuture(e);
        }
        return c.connect(discardMyData);
    }

    public CompletableFuture<StateResult> disconnect(int peerNodeId, boolean force) {
        PeerConnection c = peers.get(peerNodeId);
        if (c == null) {
            return CompletableFuture.completedFuture(StateResult.NO_NET_CONFIG);
        }
        return c.disconnect(force).thenApply(r -> {
            c.releaseListener();
            return r;
        });
    }

    // ------------------------------------------------------------------ size

    /** What a resize did: the device's size now, or that a resync (or verify) refused it. */
    public record ResizeOutcome(long sectors, boolean resyncRunning) {
    }

    /**
     * drbdadm resize of one volume: the device takes the size the user asks for ({@code userSectors},
     * 0 for as big as the data areas allow), within this node's data area and the sizes Established
     * peers told; a peer that is not connected bounds it to the size last agreed unless
     * {@code unconnectedPeersHadNoDisk} (none ever had a disk here) or {@code assumePeerHasSpace}.
     * Every Established peer gets this node's UUIDs and sizes and resizes too; a grow is followed by a
     * resync of the new part unless {@code noResync} (--assume-clean). Refused while a peer resyncs
     * or verifies. Completes once the device and its metadata have the new size.
     */
    public CompletableFuture<ResizeOutcome> resize(int vnr, long userSectors, boolean assumePeerHasSpace,
            boolean noResync, boolean unconnectedPeersHadNoDisk) {
        CompletableFuture<ResizeOutcome> out = new CompletableFuture<>();
        loop.execute(() -> {
            VolumeEngine v = volumes.get(vnr);
            if (v == null) {
                out.completeExceptionally(new IllegalStateException("no volume " + vnr));
                return;
            }
            v.refreshSize(); // an attach or a resize while no peer was connected
            boolean allKnown = true;
            List<PeerDevice> established = new ArrayList<>();
            for (PeerConnection c : peers.values()) {
                PeerDevice pd = c.device(vnr);
                if (pd == null) {
                    continue;
                }
                if (c.isConnected() && pd.repl().compareTo(ReplState.ESTABLISHED) > 0) {
                    out.complete(new ResizeOutcome(v.agreedSectors(), true));
                    return;
                }
                if (c.isConnected() && pd.repl() == ReplState.ESTABLISHED) {
                    established.add(pd);
                } else if (!unconnectedPeersHadNoDisk) {
                    allKnown = false;
                }
            }
            LocalVolume l = v.local();
            l.setUserSectors(userSectors);
            var dec = DeviceSizeRule.decide(l.dataSectors(), v.connectedPeersMax(), allKnown, l.lastAgreedSectors(), userSectors,
                    assumePeerHasSpace);
            if (dec.userSizeTooBig()) {
                LOG.error("{}/{}: requested disk size is too big ({} > {} KiB)", name, vnr, userSectors >> 1,
                        dec.sectors() >> 1);
            }
            if (assumePeerHasSpace && !allKnown && dec.sectors() > l.lastAgreedSectors()) {
                LOG.warn("{}/{}: resize forced while not fully connected", name, vnr);
            }
            VolumeEngine.SizeChange change = v.applySize(dec.sectors(), !noResync);
            int ddsf = (assumePeerHasSpace ? WireConstants.DDSF_ASSUME_PEER_HAS_SPACE : 0)
                    | (noResync ? WireConstants.DDSF_NO_RESYNC : 0);
            for (PeerDevice pd : established) {
                if (change == VolumeEngine.SizeChange.GREW) {
                    pd.handshake().resizePending();
                }
                pd.handshake().sendUuids();
                pd.handshake().sendSizes(ddsf, true);
            }
            v.lastResize().whenComplete((x, e) -> out.complete(new ResizeOutcome(v.agreedSectors(), false)));
        });
        return out;
    }

    // ------------------------------------------------------------------ roles

    /**
     * Becomes Primary. Connected peers are asked first (two-phase commit or P_STATE_CHG_REQ);
     * a Primary peer refuses unless allow-two-primaries. {@code force} makes Inconsistent or
     * Outdated local data UpToDate (primary --force).
     */
    public CompletableFuture<StateResult> primary(boolean force) {
        CompletableFuture<StateResult> out = new CompletableFuture<>();
        loop.execute(() -> startPromotion(force, out));
        return out;
    }

    private void startPromotion(boolean force, CompletableFuture<StateResult> out) {
        if (role == Role.PRIMARY) {
            out.complete(StateResult.NOTHING_TO_DO);
            return;
        }
        boolean needForce = false;
        for (VolumeEngine v : volumes.values()) {
            DiskState d = v.local().diskState();
            if (d != DiskState.UP_TO_DATE && !v.hasUpToDatePeer()) {
                if (!force || d.compareTo(DiskState.INCONSISTENT) < 0) {
                    out.complete(d.compareTo(DiskState.INCONSISTENT) < 0 && !v.hasUpToDatePeer()
                            ? StateResult.NO_UP_TO_DATE_DISK : StateResult.NO_UP_TO_DATE_DISK);
                    return;
                }
                needForce = true;
            }
        }
        // a connected peer answers for itself (its role as we know it may be a few packets old)
        boolean forced = needForce;
        List<CompletableFuture<StateResult>> asks = new ArrayList<>();
        for (PeerConnection c : peers.values()) {
            if (c.isConnected()) {
                asks.add(c.requestPeerAcceptsPrimary(forced));
            }
        }
        CompletableFuture.allOf(asks.toArray(new CompletableFuture[0])).whenComplete((x, err) -> loop.execute(() -> {
            for (CompletableFuture<StateResult> a : asks) {
                StateResult r = a.isCompletedExceptionally() ? StateResult.TIMEOUT : a.join();
                if (!r.isSuccess()) {
                    out.complete(r == StateResult.TWO_PRIMARIES ? r : StateResult.CW_FAILED_BY_PEER);
                    return;
                }
            }
            finishPromotion(forced);
            out.complete(StateResult.SUCCESS);
        }));
    }

    private void finishPromotion(boolean forced) {
        for (VolumeEngine v : volumes.values()) {
            LocalVolume l = v.local();
            if (forced && l.diskState() != DiskState.UP_TO_DATE && l.diskState().compareTo(DiskState.INCONSISTENT) >= 0) {
                LOG.warn("{}/{}: forced to consider local data as UpToDate", name, l.volume());
                setDiskState(v, DiskState.UP_TO_DATE);
            }
            List<Integer> missing = new ArrayList<>();
            for (PeerConnection c : peers.values()) {
                PeerDevice pd = c.device(l.volume());
                boolean inSync = pd != null && c.isConnected() && pd.peerDisk() == DiskState.UP_TO_DATE
                        && pd.repl() == ReplState.ESTABLISHED;
                if (!inSync) {
                    missing.add(c.peerNodeId());
                }
            }
            boolean newGeneration = l.uuids().change(g -> {
                boolean ng = forced || !missing.isEmpty() && missing.stream().allMatch(p -> g.bitmap(p) == 0);
                if (ng) {
                    g.newCurrent(true, missing, random);
                } else {
                    g.markPrimary(true);
                }
                return ng;
            });
            if (newGeneration) {
                LOG.info("{}/{}: new current UUID {} (promotion without all peers in sync)", name, l.volume(),
                        l.uuids().view());
            }
            l.setPrimaryIndicator(true);
            l.persist();
        }
        role = Role.PRIMARY;
        observer.roleChanged(role);
        LOG.info("{}: role Primary", name);
        for (PeerConnection c : peers.values()) {
            c.localRoleChanged(forced);
        }
    }

    /** Becomes Secondary (the device must not be open for writing; checked by the caller). */
    public CompletableFuture<StateResult> secondary() {
        return callAsync(() -> {
            if (role == Role.SECONDARY) {
                return StateResult.NOTHING_TO_DO;
            }
            role = Role.SECONDARY;
            for (VolumeEngine v : volumes.values()) {
                v.local().uuids().change(g -> {
                    g.markPrimary(false);
                    return null;
                });
                v.local().setPrimaryIndicator(false);
                v.local().persist();
            }
            observer.roleChanged(role);
            LOG.info("{}: role Secondary", name);
            for (PeerConnection c : peers.values()) {
                c.localRoleChanged(false);
            }
            return StateResult.SUCCESS;
        });
    }

    void setDiskState(VolumeEngine v, DiskState d) {
        if (v.local().diskState() != d) {
            LOG.info("{}/{}: disk {} -> {}", name, v.local().volume(), v.local().diskState().displayName(),
                    d.displayName());
            v.local().setDiskState(d);
            observer.diskStateChanged(v.local().volume(), d);
        }
    }

    /** Stops every connection (down). */
    public CompletableFuture<Void> shutdown() {
        List<CompletableFuture<StateResult>> l = new ArrayList<>();
        for (PeerConnection c : peers.values()) {
            l.add(disconnect(c.peerNodeId(), false));
        }
        return CompletableFuture.allOf(l.toArray(new CompletableFuture[0]));
    }

    // ------------------------------------------------------------------ executor helpers

    <T> T call(Callable<T> c) {
        if (loop.inEventLoop()) {
            try {
                return c.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return loop.submit(c).syncUninterruptibly().getNow();
    }

    void run(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.submit(r).syncUninterruptibly();
        }
    }

    <T> CompletableFuture<T> callAsync(Callable<T> c) {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(c.call());
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    /** Runs {@code r} on the loop, or {@code ifGone} on this thread if the loop has shut down (releases buffers). */
    void onLoopOr(Runnable r, Runnable ifGone) {
        try {
            onLoop(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            ifGone.run();
        }
    }
}
