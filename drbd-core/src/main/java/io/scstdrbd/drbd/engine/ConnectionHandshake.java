package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.handshake.FeatureNegotiation;
import io.scstdrbd.drbd.handshake.ProtocolCompatibility;
import io.scstdrbd.drbd.sync.digest.DigestAlgorithm;
import io.scstdrbd.drbd.wire.ConnectionFeatures;
import io.scstdrbd.drbd.wire.HeaderFormat;
import io.scstdrbd.drbd.wire.ProtocolParams;
import io.scstdrbd.drbd.wire.WireConstants;
import io.scstdrbd.drbd.wire.WireContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the two nodes negotiate once both sockets are up: P_CONNECTION_FEATURES (the protocol
 * version, and with it the dialect and the wire context packets are decoded with) and the
 * P_PROTOCOL parameters (checked against this node's, also when the peer changes them with
 * P_PROTOCOL_UPDATE). Owns the results until the connection goes down. The order of the steps
 * (and authentication between them) is the connection's.
 *
 * <p>Threading: on the resource loop, like everything in the engine.
 */
final class ConnectionHandshake {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandshake.class);

    private final PeerConnection conn;
    private final ResourceEngine res;
    private int agreed;
    private WireContext ctx = WireContext.INITIAL;
    private ProtocolParams peerParams;
    private DigestAlgorithm integrity;

    ConnectionHandshake(PeerConnection conn) {
        this.conn = conn;
        this.res = conn.resource();
    }

    /** The agreed protocol version (0 while not connected). */
    int agreed() {
        return agreed;
    }

    /** How packets of the agreed protocol are decoded. */
    WireContext wireContext() {
        return ctx;
    }

    /** The data-integrity digest (null without integrity-alg). */
    DigestAlgorithm integrity() {
        return integrity;
    }

    boolean peerDiscardsItsData() {
        return peerParams != null && (peerParams.connFlags() & WireConstants.CF_DISCARD_MY_DATA) != 0;
    }

    /** Forgets what was negotiated with the peer that went away. */
    void reset() {
        agreed = 0;
        ctx = WireContext.INITIAL;
        peerParams = null;
    }

    /** This node's P_CONNECTION_FEATURES. */
    ConnectionFeatures myFeatures() {
        return new ConnectionFeatures(conn.protocolMin(), 0, conn.net().maxProtocol(), res.nodeId(),
                conn.peerNodeId());
    }

    /** The peer's P_CONNECTION_FEATURES; true when a protocol was agreed (else the connection is refused). */
    boolean onFeatures(ConnectionFeatures peer) {
        ConnectionFeatures mine = myFeatures();
        FeatureNegotiation.Result r = FeatureNegotiation.negotiate(mine, peer, res.nodeId(), conn.peerNodeId());
        if (!r.ok()) {
            conn.fatal(r.refusal());
            return false;
        }
        agreed = r.agreedVersion();
        integrity = conn.net().integrityAlg().isEmpty() ? null
                : DigestAlgorithm.forName(conn.net().integrityAlg()).orElse(null);
        ctx = new WireContext(agreed, integrity == null ? 0 : integrity.length());
        conn.dataWriter().useFormat(HeaderFormat.H100);
        conn.metaWriter().useFormat(HeaderFormat.H100);
        LOG.info("{}: handshake successful: agreed network protocol version {} ({} dialect)", conn.tag(), agreed,
                conn.dialect84() ? "8.4" : "9");
        return true;
    }

    void onProtocol(ProtocolParams p) {
        String bad = ProtocolCompatibility.check(conn.myProtocolParams(), p);
        if (bad != null) {
            conn.fatal(bad);
            return;
        }
        peerParams = p;
    }

    /**
     * The peer changed its net options while connected (P_PROTOCOL_UPDATE): this node takes over
     * the protocol, the after-sb policies and allow-two-primaries, as the kernel's receive_protocol
     * does. A new data-integrity-alg is not taken online (this engine checks and sends with one
     * algorithm): the connection is refused, and reconnects with equal settings.
     */
    void onProtocolUpdate(ProtocolParams p) {
        if (!p.integrityAlg().equals(integrityName())) {
            conn.dropHard("the peer changed data-integrity-alg to '" + p.integrityAlg() + "' while connected (here '"
                    + integrityName() + "'); set it on both nodes and reconnect");
            return;
        }
        try {
            conn.adoptPeerProtocol(p);
        } catch (IllegalArgumentException e) {
            conn.protocolError("P_PROTOCOL_UPDATE: " + e.getMessage());
            return;
        }
        peerParams = p;
    }

    /** The data-integrity-alg in use on this connection ("" for none). */
    String integrityName() {
        return integrity == null ? "" : integrity.name();
    }
}
