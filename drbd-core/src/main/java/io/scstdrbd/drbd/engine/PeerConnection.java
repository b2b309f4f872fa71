package io.scstdrbd.drbd.engine;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import io.scstdrbd.drbd.replication.WireProtocol;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.sync.digest.DigestAlgorithm;
import io.scstdrbd.drbd.sync.digest.HmacAlgorithm;
import io.scstdrbd.drbd.sync.resync.ResyncSettings;
import io.scstdrbd.drbd.sync.uuid.AfterSbPolicy;
import io.scstdrbd.drbd.transport.ConnectSettings;
import io.scstdrbd.drbd.transport.EstablishedSockets;
import io.scstdrbd.drbd.transport.Frame;
import io.scstdrbd.drbd.transport.FrameSink;
import io.scstdrbd.drbd.transport.ListenerRegistry;
import io.scstdrbd.drbd.transport.PacketWriter;
import io.scstdrbd.drbd.transport.PathConnector;
import io.scstdrbd.drbd.transport.TransportException;
import io.scstdrbd.drbd.wire.Barrier;
import io.scstdrbd.drbd.wire.BarrierAck;
import io.scstdrbd.drbd.wire.BlockAck;
import io.scstdrbd.drbd.wire.Bytes;
import io.scstdrbd.drbd.wire.ConnectionFeatures;
import io.scstdrbd.drbd.wire.Dagtag;
import io.scstdrbd.drbd.wire.DataHeader;
import io.scstdrbd.drbd.wire.Packet;
import io.scstdrbd.drbd.wire.PacketCodec;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.Payload;
import io.scstdrbd.drbd.wire.PeerAck;
import io.scstdrbd.drbd.wire.ProtocolException;
import io.scstdrbd.drbd.wire.ProtocolParams;
import io.scstdrbd.drbd.wire.ReqStateReply;
import io.scstdrbd.drbd.wire.TwopcReply;
import io.scstdrbd.drbd.wire.TwopcRequest;
import io.scstdrbd.drbd.wire.WireConstants;
import io.scstdrbd.kernel.block.Bio;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to one peer: establishment, the order of the handshake, packet dispatch, and the
 * connection-level state machine. Its parts own their own state: {@link ConnectionHandshake},
 * {@link PeerAuthentication}, {@link KeepAlive}; state changes in {@link PeerStateChanges},
 * {@link LegacyStateChanges} (8.4), {@link TwoPhaseCommit} (DRBD 9) and {@link StateChangeRequests};
 * the data path in {@link OutgoingWrites}, {@link IncomingWrites} and {@link RemoteReads}.
 * Per-volume work is in {@link PeerDevice}.
 *
 * <p>Threading: every field is owned by the resource loop; public methods hop onto it.
 */
public final class PeerConnection {
    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);
    /** The lowest protocol this engine speaks (h100 headers: 8.4's 100-101 and DRBD 9's 118-121). */
    static final int PROTOCOL_MIN = 100;
    /** The lowest protocol offered: PROTOCOL_MIN or the drbd module's protocol_version_min if higher. */
    private volatile int protocolMin = PROTOCOL_MIN;

    private final ResourceEngine res;
    private final int peerId;
    private final InetSocketAddress localAddr;
    private final InetSocketAddress peerAddr;
    private volatile NetConfig net;
    /** Guards the read-modify-write of {@link #net} (the model's thread and the loop both change it). */
    private final Object netLock = new Object();
    /** The last net options the model gave ({@link #setNet}); what it did not change keeps adopted values. */
    private NetConfig fromModel;
    private volatile ResyncSettings resyncSettings;
    /** Changed on the loop, read by status readers too (statistics of a peer device). */
    private final Map<Integer, PeerDevice> devices = new ConcurrentSkipListMap<>();
    private final String tag;

    private volatile ConnState cstate = ConnState.STANDALONE;
    private volatile Role peerRole = Role.UNKNOWN;
    private boolean discardMyData;
    private int generation;

    private ListenerRegistry.Registration registration;
    private PathConnector connector;
    private Channel dataCh;
    private Channel metaCh;
    private PacketWriter data;
    private PacketWriter meta;
    private boolean resolveConflicts;

    private enum Phase { IDLE, FEATURES, AUTH, PARAMS, RUNNING }

    private Phase phase = Phase.IDLE;
    private ScheduledFuture<?> handshakeTimer;

    private int seq;
    /** Resync data this node sent as source that the peer has not acknowledged (loop-written). */
    private volatile long rsInFlightSectors;

    // the parts of the connection, each owning its own state
    private final ConnectionHandshake handshake;
    private final PeerAuthentication authentication;
    private final PeerStateChanges stateChanges;
    private final LegacyStateChanges legacyStateChanges;
    private final TwoPhaseCommit twoPhaseCommit;
    private final OutgoingWrites outgoing;
    private final IncomingWrites incoming;
    private final RemoteReads remoteReads;
    private final KeepAlive keepAlive;
    private final StateChangeRequests stateRequests;

    PeerConnection(ResourceEngine res, int peerId, InetSocketAddress localAddr, InetSocketAddress peerAddr,
            NetConfig net, ResyncSettings resync) {
        this.res = res;
        this.peerId = peerId;
        this.localAddr = localAddr;
        this.peerAddr = peerAddr;
        this.net = net;
        this.resyncSettings = resync == null ? ResyncSettings.DEFAULTS : resync;
        this.tag = res.name() + " " + net.name();
        this.handshake = new ConnectionHandshake(this);
        this.authentication = new PeerAuthentication(this);
        this.stateChanges = new PeerStateChanges(this);
        this.legacyStateChanges = new LegacyStateChanges(this, stateChanges);
        this.twoPhaseCommit = new TwoPhaseCommit(this, stateChanges);
        this.outgoing = new OutgoingWrites(this);
        this.incoming = new IncomingWrites(this);
        this.remoteReads = new RemoteReads(this);
        this.keepAlive = new KeepAlive(this);
        this.stateRequests = new StateChangeRequests(this, stateChanges, legacyStateChanges, twoPhaseCommit);
    }

    // ================================================================== accessors

    public int peerNodeId() {
        return peerId;
    }

    public NetConfig net() {
        return net;
    }

    public ConnState connState() {
        return cstate;
    }

    public Role peerRole() {
        return peerRole;
    }

    public boolean isConnected() {
        return cstate == ConnState.CONNECTED;
    }

    /** The agreed protocol version (0 while not connected). */
    public int agreedVersion() {
        return handshake.agreed();
    }

    public InetSocketAddress localAddress() {
        return localAddr;
    }

    public InetSocketAddress peerAddress() {
        return peerAddr;
    }

    /** True while both sockets to the peer are up. */
    public boolean pathEstablished() {
        return dataCh != null;
    }

    public PeerDevice device(int vnr) {
        return devices.get(vnr);
    }

    public List<PeerDevice> devices() {
        return new ArrayList<>(devices.values());
    }

    /** The data-integrity digest (null without integrity-alg). */
    DigestAlgorithm integrity() {
        return handshake.integrity();
    }

    /** The data socket (null while not connected). */
    Channel dataChannel() {
        return dataCh;
    }

    /** The live peer devices (on the loop only). */
    java.util.Collection<PeerDevice> devicesView() {
        return devices.values();
    }

    String tag() {
        return tag;
    }

    ResourceEngine resource() {
        return res;
    }

    int myNodeId() {
        return res.nodeId();
    }

    boolean dialect84() {
        return handshake.agreed() < WireConstants.PRO_VERSION_9;
    }

    boolean resolveConflicts() {
        return resolveConflicts;
    }

    boolean discardMyData() {
        return discardMyData;
    }

    boolean peerDiscardsItsData() {
        return handshake.peerDiscardsItsData();
    }

    ResyncSettings resyncSettings() {
        return resyncSettings;
    }

    /** New peer-device options (resync-rate, c-plan-ahead, ...), effective at the next tick. */
    public void setResyncSettings(ResyncSettings s) {
        res.onLoop(() -> {
            resyncSettings = s;
            for (PeerDevice pd : devices.values()) {
                pd.resyncSettingsChanged(s);
            }
        });
    }

    /** New net options; those negotiated at connect time take effect on the next connection. */
    public void setNet(NetConfig n) {
        NetConfig old;
        NetConfig merged;
        synchronized (netLock) {
            old = net;
            NetConfig base = fromModel == null ? old : fromModel;
            fromModel = n;
            merged = old == null ? n : keepAdopted(n, base, old);
            net = merged;
        }
        if (old != null && !old.equals(merged)) {
            NetConfig announced = merged;
            res.onLoop(() -> announceNetChange(old, announced));
        }
    }

    /**
     * The model's new net options {@code n}, except the shared settings it did not change since
     * {@code base} (its previous config): those keep the value in use, which the peer may have set
     * (P_PROTOCOL_UPDATE, P_SYNC_PARAM) before the model heard of it.
     */
    private static NetConfig keepAdopted(NetConfig n, NetConfig base, NetConfig inUse) {
        NetConfig m = n.withProtocol(n.protocol() == base.protocol() ? inUse.protocol() : n.protocol());
        m = m.withSplitBrain(n.afterSb0p() == base.afterSb0p() ? inUse.afterSb0p() : n.afterSb0p(),
                n.afterSb1p() == base.afterSb1p() ? inUse.afterSb1p() : n.afterSb1p(),
                n.afterSb2p() == base.afterSb2p() ? inUse.afterSb2p() : n.afterSb2p(), n.rrConflict(),
                n.twoPrimaries() == base.twoPrimaries() ? inUse.twoPrimaries() : n.twoPrimaries());
        return m.withAlgorithms(n.integrityAlg(),
                n.verifyAlg().equals(base.verifyAlg()) ? inUse.verifyAlg() : n.verifyAlg(),
                n.csumsAlg().equals(base.csumsAlg()) ? inUse.csumsAlg() : n.csumsAlg());
    }

    /**
     * net-options changed while connected: the peer hears of it as from the kernel's
     * drbd_adm_net_opts: P_PROTOCOL_UPDATE (from protocol 100) when the shared settings changed,
     * and P_SYNC_PARAM for every volume, with which it takes a new verify-alg or csums-alg.
     */
    private void announceNetChange(NetConfig old, NetConfig n) {
        if (phase != Phase.RUNNING || cstate != ConnState.CONNECTED) {
            return;
        }
        boolean shared = old.protocol() != n.protocol() || old.twoPrimaries() != n.twoPrimaries()
                || old.afterSb0p() != n.afterSb0p() || old.afterSb1p() != n.afterSb1p() || old.afterSb2p() != n.afterSb2p();
        if (shared && handshake.agreed() >= 100) {
            data.send(PacketType.PROTOCOL_UPDATE, WireConstants.VOLUME_CONNECTION, myProtocolParams());
        }
        for (PeerDevice pd : devices.values()) {
            pd.handshake().sendSyncParams();
        }
    }

    /** The peer's P_PROTOCOL_UPDATE: its protocol, after-sb policies (seen from here) and two-primaries. */
    void adoptPeerProtocol(ProtocolParams p) {
        WireProtocol proto = WireProtocol.fromCode(p.wireProtocol());
        AfterSbPolicy p0 = AfterSbPolicy.fromCode(p.afterSb0p()).mirrored();
        AfterSbPolicy p1 = AfterSbPolicy.fromCode(p.afterSb1p()).mirrored();
        AfterSbPolicy p2 = AfterSbPolicy.fromCode(p.afterSb2p()).mirrored();
        NetConfig adopted;
        synchronized (netLock) {
            NetConfig n = net;
            adopted = n.withProtocol(proto).withSplitBrain(p0, p1, p2, n.rrConflict(), p.twoPrimaries());
            if (adopted.equals(n)) {
                return;
            }
            net = adopted;
        }
        LOG.info("{}: the peer changed its net options: protocol {}, after-sb {}/{}/{}, allow-two-primaries {}", tag,
                adopted.protocol(), adopted.afterSb0p(), adopted.afterSb1p(), adopted.afterSb2p(), adopted.twoPrimaries());
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put("wire_protocol", (long) adopted.protocol().code());
        values.put("after_sb_0p", (long) adopted.afterSb0p().code());
        values.put("after_sb_1p", (long) adopted.afterSb1p().code());
        values.put("after_sb_2p", (long) adopted.afterSb2p().code());
        values.put("two_primaries", adopted.twoPrimaries());
        res.observer().netOptionsAdopted(peerNodeId(), values);
    }

    /** A verify-alg or csums-alg the peer set while connected (its P_SYNC_PARAM): used here too. */
    void adoptPeerAlgorithms(String verifyAlg, String csumsAlg) {
        synchronized (netLock) {
            NetConfig n = net;
            NetConfig adopted = n.withAlgorithms(n.integrityAlg(), verifyAlg, csumsAlg);
            if (adopted.equals(n)) {
                return;
            }
            net = adopted;
        }
        res.observer().netOptionsAdopted(peerNodeId(), Map.of("verify_alg", verifyAlg, "csums_alg", csumsAlg));
    }

    int nextSeq() {
        return ++seq;
    }

    /** The data-integrity digest of {@code data} (empty without integrity-alg). */
    Bytes integrityDigest(ByteBuf data) {
        DigestAlgorithm integrity = handshake.integrity();
        return integrity == null ? Bytes.EMPTY : Bytes.of(integrity.digest(data.nioBuffers()));
    }

    /** Checks a received data packet's integrity digest. */
    void checkIntegrity(DataHeader h, ByteBuf data) throws ProtocolException {
        DigestAlgorithm integrity = handshake.integrity();
        if (integrity != null && !h.digest().constantTimeEquals(integrity.digest(data.nioBuffers()))) {
            throw new ProtocolException("digest integrity check FAILED for sector " + h.sector());
        }
    }

    void addDevice(VolumeEngine v) {
        devices.put(v.volume(), new PeerDevice(this, v));
    }

    void removeDevice(int vnr) {
        PeerDevice pd = devices.remove(vnr);
        if (pd != null) {
            pd.connectionLost();
        }
    }

    // ================================================================== lifecycle

    /** Serialises ensureListening; never taken on an event loop. */
    private final Object listenLock = new Object();

    /**
     * Binds the listening socket for this peer (blocking; not on the loop). This object's monitor
     * is not held while binding: the loop takes it in releaseListener, and the bind needs a loop.
     */
    void ensureListening() throws TransportException {
        synchronized (listenLock) {
            synchronized (this) {
                if (registration != null) {
                    return;
                }
            }
            ListenerRegistry.Registration r = res.listeners().register(localAddr, peerAddr.getAddress(), res.loop(),
                    ch -> res.onLoop(() -> {
                        if (connector != null) {
                            connector.accept(ch);
                        } else {
                            LOG.debug("{}: connection from {} while not connecting; closed", tag, ch.remoteAddress());
                            ch.close();
                        }
                    }));
            synchronized (this) {
                registration = r;
            }
        }
    }

    synchronized void releaseListener() {
        if (registration != null && cstate == ConnState.STANDALONE) {
            registration.close();
            registration = null;
        }
    }

    CompletableFuture<StateResult> connect(boolean discard) {
        return res.callAsync(() -> {
            if (cstate != ConnState.STANDALONE) {
                return StateResult.NOTHING_TO_DO;
            }
            String bad = checkAlgorithms();
            if (bad != null) {
                LOG.error("{}: {}", tag, bad);
                return StateResult.NOT_SUPPORTED;
            }
            discardMyData = discard;
            for (PeerDevice pd : devices.values()) {
                pd.progress().resetTraffic();
            }
            setState(ConnState.UNCONNECTED);
            startConnecting();
            return StateResult.SUCCESS;
        });
    }

    /** Raises the lowest protocol offered at the next handshake (never below {@link #PROTOCOL_MIN}). */
    int protocolMin() {
        return protocolMin;
    }

    public void setProtocolMin(int min) {
        protocolMin = Math.max(PROTOCOL_MIN, Math.min(min, net.maxProtocol()));
    }

    /** Refuses algorithms this engine cannot compute rather than ignoring them. */
    String checkAlgorithms() {
        NetConfig n = net;
        if (n.authenticates() && HmacAlgorithm.forName(n.cramHmacAlg()).isEmpty()) {
            return "cram-hmac-alg '" + n.cramHmacAlg() + "' is not supported";
        }
        for (String[] a : new String[][] {{"data-integrity-alg", n.integrityAlg()}, {"verify-alg", n.verifyAlg()},
                {"csums-alg", n.csumsAlg()}}) {
            if (!a[1].isEmpty() && DigestAlgorithm.forName(a[1]).isEmpty()) {
                return a[0] + " '" + a[1] + "' is not supported";
            }
        }
        return null;
    }

    private void startConnecting() {
        generation++;
        setState(ConnState.CONNECTING);
        ConnectSettings cs = ConnectSettings.fromNetOptions(net.connectInt(), net.pingTimeout(), net.sockCheckTimeo());
        connector = new PathConnector(res.transport(), res.loop(), localAddr, peerAddr, cs, this::established,
                res.random(), tag);
        connector.start();
    }

    /**
     * Graceful disconnect: the peer is told (P_CONN_ST_CHG_REQ or two-phase commit) unless
     * {@code force}; then the sockets close and the connection stays StandAlone.
     */
    CompletableFuture<StateResult> disconnect(boolean force) {
        CompletableFuture<StateResult> out = new CompletableFuture<>();
        res.onLoop(() -> {
            if (cstate == ConnState.STANDALONE) {
                out.complete(StateResult.ALREADY_STANDALONE);
                return;
            }
            if (cstate != ConnState.CONNECTED || force) {
                goStandAlone("disconnect requested");
                out.complete(StateResult.SUCCESS);
                return;
            }
            // with fencing and different roles the Secondary's disk goes Outdated with the disconnect
            // (the kernel's outdate_on_disconnect): a Primary has its peer outdate itself, a
            // Secondary leaving a Primary outdates its own disk
            Map<PeerDevice, DiskState> peerDisks = new HashMap<>();
            boolean peerHasData = false;
            boolean haveData = false;
            for (PeerDevice pd : devices.values()) {
                peerDisks.put(pd, pd.peerDisk());
                peerHasData |= outdatable(pd.peerDisk());
                haveData |= outdatable(pd.volume().local().diskState());
            }
            boolean fencing = net().fencing();
            boolean outdatePeer = fencing && peerHasData && res.role() == Role.PRIMARY && peerRole != Role.PRIMARY;
            boolean outdateSelf = fencing && haveData && peerRole == Role.PRIMARY && res.role() != Role.PRIMARY;
            CompletableFuture<StateResult> ask = stateRequests.disconnect(outdatePeer, outdateSelf);
            ask.whenComplete((r, e) -> res.onLoop(() -> {
                boolean agreed = e == null && r.isSuccess();
                if (agreed && outdatePeer && cstate == ConnState.CONNECTED) {
                    // the peer's disk goes straight from its last state to Outdated, never DUnknown
                    for (Map.Entry<PeerDevice, DiskState> pe : peerDisks.entrySet()) {
                        if (outdatable(pe.getValue())) {
                            pe.getKey().peerOutdatedByDisconnect();
                        }
                    }
                }
                if (cstate != ConnState.STANDALONE) {
                    goStandAlone("disconnect requested");
                }
                if (agreed && (outdatePeer || outdateSelf)) {
                    outdateAfterDisconnect(peerDisks, outdatePeer);
                }
                out.complete(StateResult.SUCCESS);
            }));
        });
        return out;
    }

    /** A disk a disconnect can outdate: Consistent or UpToDate. */
    static boolean outdatable(DiskState d) {
        return d == DiskState.UP_TO_DATE || d == DiskState.CONSISTENT;
    }

    /** After an agreed disconnect that outdates the Secondary: its disk, seen from either side. */
    private void outdateAfterDisconnect(Map<PeerDevice, DiskState> peerDisksBefore, boolean peerSide) {
        for (Map.Entry<PeerDevice, DiskState> e : peerDisksBefore.entrySet()) {
            PeerDevice pd = e.getKey();
            if (peerSide) {
                if (outdatable(e.getValue())) {
                    pd.setPeerDisk(DiskState.OUTDATED);
                }
            } else {
                if (outdatable(pd.volume().local().diskState())) {
                    LOG.info("{}: disconnected from the Primary; outdating this node's disk", pd.tagName());
                    pd.setDisk(DiskState.OUTDATED);
                }
            }
        }
    }

    /** Tears everything down and stays StandAlone (no reconnect). */
    /**
     * A local hard disconnect (the kernel's change_cstate(C_DISCONNECTING, CS_HARD)): StandAlone
     * without a P_DISCONNECT, so the peer sees the sockets close and keeps trying to connect.
     */
    void dropHard(String why) {
        LOG.error("{}: {}", tag, why);
        goStandAlone("connection dropped");
    }

    IncomingWrites incoming() {
        return incoming;
    }

    private void goStandAlone(String why) {
        if (cstate == ConnState.STANDALONE) {
            return;
        }
        LOG.info("{}: {}; going StandAlone", tag, why);
        if (cstate == ConnState.CONNECTED) {
            res.observer().connectionEnding(peerId);
        }
        teardown();
        if (cstate != ConnState.DISCONNECTING) {
            setState(ConnState.DISCONNECTING);
        }
        setState(ConnState.STANDALONE);
        // a StandAlone node does not listen: the peer's attempts are refused and it retries at connect-int
        releaseListener();
    }

    /** A connection failure that is retried: the state passes through {@code why} to Connecting. */
    void connectionLost(ConnState why, String reason) {
        if (cstate == ConnState.STANDALONE || cstate == ConnState.DISCONNECTING) {
            return;
        }
        LOG.warn("{}: connection lost ({}): {}", tag, why.displayName(), reason);
        if (cstate == ConnState.CONNECTED) {
            res.observer().connectionFailing(peerId);
        }
        teardown();
        if (cstate == ConnState.STANDALONE || cstate == ConnState.DISCONNECTING) {
            return;
        }
        if (cstate.engineAllows(why)) {
            setState(why);
        }
        setState(ConnState.UNCONNECTED);
        startConnecting();
    }

    /** A failure that must not be retried (authentication, incompatible settings, split brain). */
    void fatal(String reason) {
        LOG.error("{}: {}", tag, reason);
        if (!dialect84() && data != null && handshake.agreed() >= 118 && phase == Phase.RUNNING) {
            data.send(PacketType.DISCONNECT, WireConstants.VOLUME_CONNECTION, Payload.EMPTY);
        }
        goStandAlone("connection refused");
    }

    void protocolError(String msg) {
        connectionLost(ConnState.PROTOCOL_ERROR, msg);
    }

    private void setState(ConnState s) {
        if (cstate == s) {
            return;
        }
        if (!cstate.engineAllows(s)) {
            throw new IllegalStateException(tag + ": connection state " + cstate + " -> " + s + " not allowed");
        }
        LOG.info("{}: connection {} -> {}", tag, cstate.displayName(), s.displayName());
        cstate = s;
        res.observer().connectionStateChanged(peerId, s);
    }

    private void teardown() {
        generation++;
        if (connector != null) {
            connector.stop();
            connector = null;
        }
        cancel(handshakeTimer);
        keepAlive.stop();
        handshakeTimer = null;
        boolean hadPath = dataCh != null;
        if (data != null) {
            data.flushAndClose();
        }
        if (meta != null) {
            // the data socket closes first: the peer reads everything sent on it (a refusal, a last
            // P_PROTOCOL or authentication response) before it sees the end of the meta socket
            PacketWriter m = meta;
            res.loop().schedule(m::flushAndClose, 100, TimeUnit.MILLISECONDS);
        }
        dataCh = null;
        metaCh = null;
        data = null;
        meta = null;
        phase = Phase.IDLE;
        // completions run after the state change, never re-entering this connection mid-teardown
        List<Runnable> later = new ArrayList<>();
        outgoing.connectionLost(later);
        incoming.connectionLost();
        remoteReads.connectionLost(later);
        rsInFlightSectors = 0;
        twoPhaseCommit.connectionLost(later);
        legacyStateChanges.connectionLost(later);
        if (!later.isEmpty()) {
            res.loop().execute(() -> later.forEach(Runnable::run));
        }
        boolean wasPrimaryWithPeer = res.role() == Role.PRIMARY && cstate == ConnState.CONNECTED;
        for (PeerDevice pd : devices.values()) {
            pd.connectionLost();
        }
        if (wasPrimaryWithPeer && !res.externalGenerations()) {
            newGenerationAfterLoss();
        }
        if (peerRole != Role.UNKNOWN) {
            peerRole = Role.UNKNOWN;
            res.observer().peerRoleChanged(peerId, peerRole);
        }
        handshake.reset();
        authentication.reset();
        keepAlive.reset();
        if (hadPath) {
            res.observer().pathEstablished(peerId, false);
        }
    }

    /** A Primary that loses its peer starts a new data generation so the peer's copy can be told apart. */
    private void newGenerationAfterLoss() {
        for (PeerDevice pd : devices.values()) {
            LocalVolume l = pd.volume().local();
            if (l.diskState() != DiskState.UP_TO_DATE) {
                continue;
            }
            boolean rotated = l.uuids().change(g -> {
                if (g.bitmap(peerId) != 0) {
                    return false;
                }
                g.newCurrent(true, List.of(peerId), res.random());
                return true;
            });
            if (rotated) {
                LOG.info("{}/{}: lost the peer while Primary; new current UUID {}", tag, l.volume(), l.uuids().view());
                l.persist();
            }
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    // ================================================================== establishment

    private FrameSink established(EstablishedSockets s) {
        connector = null;
        dataCh = s.data();
        metaCh = s.meta();
        data = new PacketWriter(dataCh);
        meta = new PacketWriter(metaCh);
        resolveConflicts = s.resolveConflicts();
        phase = Phase.FEATURES;
        final int gen = generation;
        res.observer().pathEstablished(peerId, true);
        ConnectionFeatures mine = handshake.myFeatures();
        data.send(PacketType.CONNECTION_FEATURES, WireConstants.VOLUME_CONNECTION, mine);
        long hsMs = Math.max(4L * net.pingTimeout() * 100, net.timeout() * 100L) + 5000;
        handshakeTimer = res.loop().schedule(() -> {
            if (gen == generation && phase != Phase.RUNNING) {
                connectionLost(ConnState.TIMEOUT, "handshake did not complete within " + hsMs + " ms (phase " + phase + ")");
            }
        }, hsMs, TimeUnit.MILLISECONDS);
        FrameSink sink = new FrameSink() {
            @Override
            public void frame(Channel ch, Frame f) {
                try {
                    res.onLoop(() -> onFrame(gen, ch, f.touch("connection loop task")));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    f.release(); // shutting down
                }
            }

            @Override
            public void closed(Channel ch, Throwable cause) {
                res.onLoop(() -> onSocketClosed(gen, ch, cause));
            }
        };
        for (Frame f : s.dataBacklog()) {
            onFrame(gen, dataCh, f.touch("connection backlog"));
        }
        for (Frame f : s.metaBacklog()) {
            onFrame(gen, metaCh, f.touch("connection backlog"));
        }
        return sink;
    }

    private void onSocketClosed(int gen, Channel ch, Throwable cause) {
        if (gen != generation || (ch != dataCh && ch != metaCh)) {
            return;
        }
        String which = ch == dataCh ? "data" : "meta";
        if (cause != null && cause.getCause() instanceof ProtocolException) {
            protocolError(which + " socket: " + cause.getCause().getMessage());
        } else if (cause != null) {
            connectionLost(ConnState.NETWORK_FAILURE, which + " socket failed: " + cause);
        } else {
            connectionLost(ConnState.BROKEN_PIPE, "peer closed the " + which + " socket");
        }
    }

    // ================================================================== receiving

    private void onFrame(int gen, Channel ch, Frame f) {
        if (LOG.isTraceEnabled()) {
            LOG.trace("{}: rx {} on {} (gen {}/{})", tag, f, ch == dataCh ? "data" : ch == metaCh ? "meta" : "stale", gen,
                    generation);
        }
        if (gen != generation || (ch != dataCh && ch != metaCh)) {
            f.touch("stale frame").release();
            return;
        }
        f.touch("decoding");
        boolean onData = ch == dataCh;
        if (!onData) {
            keepAlive.metaReceived();
        }
        Packet p;
        try {
            p = PacketCodec.decode(f.type(), f.volume(), f.payload(), handshake.wireContext());
        } catch (ProtocolException e) {
            protocolError("malformed " + f.type() + ": " + e.getMessage());
            return;
        } finally {
            f.release();
        }
        PacketType.Channel want = p.type().channel();
        if (want == PacketType.Channel.FIRST || (want == PacketType.Channel.DATA && !onData)
                || (want == PacketType.Channel.META && onData)) {
            p.release();
            protocolError("unexpected " + p.type() + " on the " + (onData ? "data" : "meta") + " socket");
            return;
        }
        int agreed = handshake.agreed();
        if (agreed != 0 && !p.type().allowedAt(agreed)) {
            p.release();
            protocolError(p.type() + " is not part of protocol " + agreed);
            return;
        }
        if (onData && incoming.holdIfGated(p)) {
            return;
        }
        try {
            dispatch(p);
        } catch (ProtocolException e) {
            protocolError(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{}: handling {} failed", tag, p.type(), e);
            protocolError("internal error handling " + p.type() + ": " + e);
        }
    }

    /** Handles one decoded packet (also the packets the write gate held). */
    void dispatch(Packet p) throws ProtocolException {
        switch (phase) {
            case FEATURES:
                expect(p, PacketType.CONNECTION_FEATURES);
                onFeatures((ConnectionFeatures) p.payload());
                return;
            case AUTH:
                if (p.type() == PacketType.AUTH_CHALLENGE || p.type() == PacketType.AUTH_RESPONSE) {
                    authentication.onPacket(p);
                    return;
                }
                p.release();
                fatal("authentication of peer failed: expected P_AUTH_CHALLENGE/RESPONSE, got " + p.type()
                        + " (is cram-hmac-alg configured on the peer?)");
                return;
            case IDLE:
                p.release();
                return;
            default:
                dispatchRunning(p);
        }
    }

    private static void expect(Packet p, PacketType t) throws ProtocolException {
        if (p.type() != t) {
            p.release();
            throw new ProtocolException("expected " + t + ", got " + p.type());
        }
    }

    private void dispatchRunning(Packet p) throws ProtocolException {
        PacketType t = p.type();
        switch (t) {
            case PROTOCOL:
                handshake.onProtocol((ProtocolParams) p.payload());
                return;
            case PROTOCOL_UPDATE:
                handshake.onProtocolUpdate((ProtocolParams) p.payload());
                return;
            case AUTH_CHALLENGE:
            case AUTH_RESPONSE:
                fatal("peer requests authentication but no cram-hmac-alg is configured here");
                return;
            case PING:
                meta.send(PacketType.PING_ACK, WireConstants.VOLUME_CONNECTION, Payload.EMPTY);
                return;
            case PING_ACK:
                keepAlive.onPingAck();
                return;
            case STATE_CHG_REQ:
            case CONN_ST_CHG_REQ:
                legacyStateChanges.onRequest(p);
                return;
            case STATE_CHG_REPLY:
            case CONN_ST_CHG_REPLY:
                legacyStateChanges.onReply(((ReqStateReply) p.payload()).retcode());
                return;
            case TWOPC_PREPARE:
            case TWOPC_PREP_RSZ:
            case TWOPC_COMMIT:
            case TWOPC_ABORT:
                twoPhaseCommit.onRequest(t, p.volume(), (TwopcRequest) p.payload());
                return;
            case TWOPC_YES:
            case TWOPC_NO:
            case TWOPC_RETRY:
                twoPhaseCommit.onReply(t, (TwopcReply) p.payload());
                return;
            case DISCONNECT:
                goStandAlone("peer sent P_DISCONNECT");
                return;
            case DATA:
                incoming.onData(p);
                return;
            case BARRIER:
                incoming.onBarrier((Barrier) p.payload());
                return;
            case BARRIER_ACK:
                outgoing.onBarrierAck((BarrierAck) p.payload());
                return;
            case RECV_ACK:
            case WRITE_ACK:
            case RS_WRITE_ACK:
            case NEG_ACK:
                outgoing.onAck(p);
                return;
            case DAGTAG:
                incoming.onDagtag((Dagtag) p.payload());
                return;
            case PEER_ACK:
                incoming.onPeerAck((PeerAck) p.payload());
                return;
            case DATA_REQUEST:
                remoteReads.onDataRequest(p);
                return;
            case DATA_REPLY:
                remoteReads.onDataReply(p);
                return;
            case NEG_DREPLY:
                remoteReads.onNegDataReply((BlockAck) p.payload());
                return;
            case UNPLUG_REMOTE:
            case DELAY_PROBE:
            case PEER_DAGTAG:
            case PEERS_IN_SYNC:
            case CONFIRM_STABLE:
                p.release();
                return;
            default:
                break;
        }
        PeerDevice pd = devices.get(p.volume());
        if (pd == null) {
            p.release();
            throw new ProtocolException(t + " for unknown volume " + p.volume());
        }
        pd.onPacket(p);
    }

    // ================================================================== handshake

    /** P_CONNECTION_FEATURES from the peer: authentication when configured, then the parameters. */
    private void onFeatures(ConnectionFeatures peer) {
        if (!handshake.onFeatures(peer)) {
            return;
        }
        if (net.authenticates()) {
            phase = Phase.AUTH;
            authentication.start();
        } else {
            sendParams();
        }
    }

    ProtocolParams myProtocolParams() {
        int flags = discardMyData ? WireConstants.CF_DISCARD_MY_DATA : 0;
        // the integrity algorithm in use: a new integrity-alg takes effect at the next connect
        return new ProtocolParams(net.protocol().code(), net.afterSb0p().code(), net.afterSb1p().code(),
                net.afterSb2p().code(), flags, net.twoPrimaries(), handshake.integrityName());
    }

    /**
     * The peer is authenticated (or need not be): sends P_PROTOCOL, then goes Connected (8.4) or
     * into the connect transaction (DRBD 9).
     */
    void sendParams() {
        phase = Phase.PARAMS;
        outgoing.start();
        incoming.start();
        seq = 0;
        data.send(PacketType.PROTOCOL, WireConstants.VOLUME_CONNECTION, myProtocolParams());
        keepAlive.start();
        if (dialect84()) {
            phase = Phase.RUNNING;
            cancel(handshakeTimer);
            setState(ConnState.CONNECTED);
            for (PeerDevice pd : devices.values()) {
                pd.handshake().sendInitialParams();
            }
        } else if (res.nodeId() < peerId) {
            twoPhaseCommit.start(TwoPhaseCommit.Kind.CONNECT, StateIntent.connRequest(ConnState.CONNECTED.code()));
            for (PeerDevice pd : devices.values()) {
                pd.handshake().sendInitialParams();
            }
        }
        // the higher node id sends its parameters when the connect PREPARE arrives
    }

    /** All volumes have processed the peer's state once: the handshake proper is over. */
    void deviceHandshakeDone() {
        if (phase == Phase.PARAMS && !dialect84()) {
            twoPhaseCommit.maybeFinishConnect();
        }
    }

    // ================================================================== meta round trips

    /**
     * Runs {@code r} once the peer has processed everything sent on the meta socket so far (a
     * P_PING and its P_PING_ACK).
     */
    void afterMetaRoundTrip(Runnable r) {
        keepAlive.afterMetaRoundTrip(r);
    }

    // ================================================================== peer role

    void setPeerRole(Role r) {
        if (peerRole != r) {
            peerRole = r;
            LOG.info("{}: peer role {}", tag, r.displayName());
            res.observer().peerRoleChanged(peerId, r);
        }
    }

    // ================================================================== 2PC (DRBD 9 dialect)

    /** Responder of the connect transaction: answer once every volume decided. */
    void maybeReplyConnectTwopc() {
        twoPhaseCommit.maybeReplyConnect();
    }

    boolean inParamsPhase() {
        return phase == Phase.PARAMS;
    }

    /** The connect transaction committed (either side): the connection is Connected. */
    void commitConnected() {
        phase = Phase.RUNNING;
        cancel(handshakeTimer);
        setState(ConnState.CONNECTED);
        for (PeerDevice pd : devices.values()) {
            pd.handshake().applyDecision();
        }
    }

    // ================================================================== roles

    /** Asks the peer whether this node may become Primary (forced: also declares its disk UpToDate). */
    CompletableFuture<StateResult> requestPeerAcceptsPrimary(boolean forced) {
        return stateRequests.peerAcceptsPrimary(forced);
    }

    /** After a local role change: tell the peer (new UUIDs first when the data generation changed). */
    void localRoleChanged(boolean sendUuids) {
        if (!isConnected()) {
            return;
        }
        for (PeerDevice pd : devices.values()) {
            if (sendUuids) {
                pd.handshake().sendUuids();
            }
            pd.sendState();
        }
    }

    // ================================================================== data path: primary side

    /** Sends an application write of the stand-alone engine (on the loop). The peer part of {@code w} was added. */
    void sendWrite(PeerDevice pd, AppWrite w) {
        outgoing.sendWrite(pd, w);
    }

    /**
     * Replicates a write whose local part is handled elsewhere (the daemon's drbdN device): any
     * thread. {@code done} gets true when the peer has the data as the protocol requires, false
     * when the blocks were marked out of sync instead; the bio's segments are not touched after.
     */
    public void replicate(PeerDevice pd, Bio bio, java.util.function.Consumer<Boolean> done) {
        outgoing.replicate(pd, bio, null, done);
    }

    /**
     * Like {@link #replicate}, for a caller whose local part waits for {@code whenOrdered} (on the
     * loop, once): then no resync reply for the same blocks can overwrite the local write. A
     * Primary whose disk is not UpToDate (it is, or may become, a sync target) writes this way.
     */
    public void replicateOrdered(PeerDevice pd, Bio bio, Runnable whenOrdered, java.util.function.Consumer<Boolean> done) {
        outgoing.replicate(pd, bio, whenOrdered, done);
    }

    /** Writes in the transfer log: sent, their epoch not yet acknowledged by the peer (loop only). */
    int unacknowledgedWrites() {
        return outgoing.unacknowledgedWrites();
    }

    /** A flush from the local device: {@code done} runs once the peer has every earlier write stable. */
    public void flush(Runnable done) {
        res.onLoop(() -> outgoing.flushEpoch(done));
    }

    /** The local role, disk state or UUIDs of a volume changed: tell the peer (P_UUIDS, P_STATE). */
    public void localStateChanged(int vnr) {
        stateRequests.localStateChanged(vnr);
    }

    /** The local part of a write passed to {@link #replicate} finished (any thread, before or after). */
    public void localWriteDone(Bio bio) {
        outgoing.localWriteDone(bio);
    }

    /** Completes {@code done} once every write sent so far is acknowledged stable by the peer. */
    void flushEpoch(Runnable done) {
        outgoing.flushEpoch(done);
    }

    void sendOutOfSync(PeerDevice pd, long sector, int size) {
        outgoing.sendOutOfSync(pd, sector, size);
    }

    // ================================================================== remote reads

    void remoteRead(PeerDevice pd, Bio bio) {
        remoteReads.remoteRead(pd, bio);
    }

    /**
     * An application read the peer serves (the daemon's drbdN device without a usable local disk):
     * any thread. The bio completes with EIO when the peer cannot serve it.
     */
    public void readFromPeer(PeerDevice pd, Bio bio) {
        try {
            res.onLoop(() -> {
                if (!isConnected() || pd.peerDisk() != io.scstdrbd.drbd.state.DiskState.UP_TO_DATE) {
                    bio.complete(io.scstdrbd.kernel.errno.Errno.EIO);
                    return;
                }
                remoteReads.remoteRead(pd, bio);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            bio.complete(io.scstdrbd.kernel.errno.Errno.EIO);
        }
    }

    // ================================================================== sending helpers for PeerDevice

    PacketWriter dataWriter() {
        return data;
    }

    PacketWriter metaWriter() {
        return meta;
    }

    int generation() {
        return generation;
    }

    /** Sectors of application writes the peer has not confirmed stable yet (ap-in-flight); any thread. */
    public long apInFlightSectors() {
        return outgoing.unacknowledgedSectors() + remoteReads.pendingSectors();
    }

    /** Sectors of resync data sent as source and not acknowledged yet (rs-in-flight); any thread. */
    public long rsInFlightSectors() {
        return rsInFlightSectors;
    }

    /** Resync data of {@code bytes} went to the peer (on the loop). */
    void resyncDataSent(int bytes) {
        rsInFlightSectors += bytes >>> 9;
    }

    /** The peer acknowledged (or refused) resync data of {@code bytes} (on the loop). */
    void resyncDataAnswered(int bytes) {
        rsInFlightSectors = Math.max(0, rsInFlightSectors - (bytes >>> 9));
    }

    boolean isRunning() {
        return data != null && (phase == Phase.RUNNING || phase == Phase.PARAMS);
    }

    /** Starts online verify toward this peer on one volume (drbdadm verify). */
    public CompletableFuture<StateResult> startVerify(int vnr) {
        return stateRequests.startVerify(vnr);
    }

    /**
     * drbdadm invalidate ({@code asTarget}) or invalidate-remote on one volume, agreed with the peer:
     * of everything ({@code full}), or with --reset-bitmap=no (protocol 120 and later) of the blocks
     * the bitmaps mark. Completes with the result of the state change.
     */
    public CompletableFuture<StateResult> startResync(int vnr, boolean asTarget, boolean full) {
        return stateRequests.startResync(vnr, asTarget, full);
    }

    /** drbdadm pause-sync / resume-sync toward this peer on one volume (the user_isp flag). */
    public void setResyncPausedByUser(int vnr, boolean paused) {
        res.onLoop(() -> {
            PeerDevice pd = devices.get(vnr);
            if (pd != null) {
                pd.setUserPaused(paused);
            }
        });
    }

    /**
     * new-current-uuid --force-resync while connected: tells the peer the new current UUID with
     * UUID_FLAG_RESYNC and this node's UpToDate disk; the peer, just created, becomes SyncTarget.
     */
    public void forceResync(int vnr) {
        res.onLoop(() -> {
            PeerDevice pd = devices.get(vnr);
            if (pd != null && isConnected()) {
                pd.handshake().announceForcedResync();
            }
        });
    }

    /**
     * new-current-uuid --clear-bitmap while connected: tells the peer the new current UUID with
     * UUID_FLAG_SKIP_INITIAL_SYNC (before anything announces the new disk state) so that a peer
     * with just-created metadata takes it and becomes UpToDate without a resync.
     */
    public void skipInitialSync(int vnr) {
        res.onLoop(() -> {
            PeerDevice pd = devices.get(vnr);
            if (pd != null && isConnected()) {
                pd.handshake().announceSkipInitialSync();
            }
        });
    }
}
