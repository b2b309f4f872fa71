package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.handshake.CramHmac;
import io.scstdrbd.drbd.sync.digest.HmacAlgorithm;
import io.scstdrbd.drbd.wire.Bytes;
import io.scstdrbd.drbd.wire.Packet;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.WireConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cram-hmac challenge and response of the handshake (with cram-hmac-alg and shared-secret):
 * each side sends a challenge, answers the peer's, and checks the peer's answer; the handshake
 * goes on with the protocol parameters once the peer is authenticated.
 *
 * <p>Threading: on the resource loop, like everything in the engine.
 */
final class PeerAuthentication {
    private static final Logger LOG = LoggerFactory.getLogger(PeerAuthentication.class);

    private final PeerConnection conn;
    private final ResourceEngine res;
    private CramHmac auth;
    private boolean authChallengeSeen;

    PeerAuthentication(PeerConnection conn) {
        this.conn = conn;
        this.res = conn.resource();
    }

    /** Sends this node's challenge. */
    void start() {
        HmacAlgorithm alg = HmacAlgorithm.forName(conn.net().cramHmacAlg()).orElseThrow();
        auth = new CramHmac(alg, conn.net().sharedSecret(), !conn.dialect84(), res.random());
        conn.dataWriter().send(PacketType.AUTH_CHALLENGE, WireConstants.VOLUME_CONNECTION,
                Bytes.of(auth.myChallenge()));
    }

    /** Forgets the exchange of the connection that went down. */
    void reset() {
        auth = null;
        authChallengeSeen = false;
    }

    /** P_AUTH_CHALLENGE or P_AUTH_RESPONSE from the peer. */
    void onPacket(Packet p) {
        byte[] b = ((Bytes) p.payload()).toArray();
        try {
            if (p.type() == PacketType.AUTH_CHALLENGE) {
                if (authChallengeSeen) {
                    conn.fatal("authentication of peer failed: second challenge");
                    return;
                }
                authChallengeSeen = true;
                conn.dataWriter().send(PacketType.AUTH_RESPONSE, WireConstants.VOLUME_CONNECTION,
                        Bytes.of(auth.respond(b, res.nodeId())));
                return;
            }
            if (!authChallengeSeen) {
                conn.fatal("authentication of peer failed: response before challenge");
                return;
            }
            auth.verify(b, conn.peerNodeId());
            LOG.info("{}: peer authenticated using {} bytes HMAC ({})", conn.tag(), b.length, conn.net().cramHmacAlg());
            conn.sendParams();
        } catch (CramHmac.AuthenticationException e) {
            conn.fatal("authentication of peer failed: " + e.getMessage());
        }
    }
}
